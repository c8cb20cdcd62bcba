"""The route stage's batch writer: a batch of contacts' cases, tasks and audit events written
with one multi-row `INSERT ... RETURNING` per table instead of an ORM flush per row.

Routing decides every contact in memory first (`Work`: a case planned with
`cases.plan_case`, or the existing case a reply joins, and a task planned with
`cases.plan_task`). `write_batch` then, in this order:
1. places the new answer tasks (overflow to a backup unit, `batch_placement`: one query);
2. runs the incident check on the new cases, in routing order, before they are written
   (`incidents.watch_for_incidents`): links, raised priorities and trail notes go in with the
   inserts instead of an UPDATE per case;
3. notes each overflow move on its case's trail (after the incident note, as one at a time);
4. inserts the new cases (ids come back in the order sent, `sort_by_parameter_order`), gives
   them their references with one UPDATE, and announces the incidents opened on them;
5. inserts the tasks, then every audit event of the batch in one INSERT.

The written rows become ordinary persistent ORM objects of the session (no SELECT): later
route steps (acknowledgement, verification) and later changes work on them as on any other.
Everything happens in the caller's transaction: a crash before its commit leaves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached

from workflow.audit import AuditRows
from workflow.batch_placement import PlannedMove, place_new_tasks
from workflow.cases import case_reference
from workflow.incidents import UnwrittenTasks, announce, watch_for_incidents
from workflow.models import Case, Task
from workflow.org_models import Organisation

Row = TypeVar("Row", bound=DeclarativeBase)
# A case's reference is made of its id, so it is set right after the insert (executemany).
_SET_REFERENCE = (
    update(Case.__table__)
    .where(Case.__table__.c.id == bindparam("case_id"))
    .values(reference=bindparam("new_reference"))
)


@dataclass
class Work:
    """One contact's part of a batch: its case (new and not yet written, or the existing case
    a reply joined) and its new task."""

    case: Case
    task: Task
    new_case: bool


def write_batch(
    session: Session, org: Organisation, batch: Sequence[Work], now: datetime, actor: str = "router"
) -> list[PlannedMove]:
    """Write the batch's new cases and tasks with their incident links, overflow moves and
    audit events; returns the moves made."""
    audit = AuditRows()
    moves = place_new_tasks(session, org, [work.task for work in batch], now)
    new_cases = list(dict.fromkeys(work.case for work in batch if work.new_case))
    unwritten = UnwrittenTasks.of([(work.case, work.task) for work in batch], new_cases)
    outcomes = watch_for_incidents(session, org, new_cases, actor, unwritten)
    case_of = {id(work.task): work.case for work in batch}
    for move in moves:
        moved = case_of[id(move.task)]
        moved.routing_trail = [*moved.routing_trail, f"overflow to {move.to_unit}: {move.reason}"]
    insert_cases(session, new_cases, audit, actor)
    for outcome in outcomes:
        if outcome.opening is not None:
            announce(session, org, outcome.opening, actor)
    for work in batch:
        work.task.case_id = work.case.id
    insert_tasks(session, [work.task for work in batch], audit, actor, case_of)
    for move in moves:
        audit.add(
            "overflow", "task", move.task.id, "overflowed", to=move.to_unit, reason=move.reason
        )
    audit.write(session)
    return moves


def insert_cases(session: Session, cases: Sequence[Case], audit: AuditRows, actor: str) -> None:
    """Insert planned cases with one statement, then give them their references (made of the
    id) with one UPDATE; each case's "opened" event goes to `audit`."""
    if not cases:
        return
    ids = insert_rows(session, cases)
    references = {case_id: case_reference(case_id) for case_id in ids}
    session.execute(
        _SET_REFERENCE,
        [{"case_id": case_id, "new_reference": ref} for case_id, ref in references.items()],
    )
    for row in cases:
        row.reference = references[row.id]
        _attach(session, row)
        audit.add(actor, "case", row.reference, "opened", unit=row.unit, topic=row.topic)


def insert_tasks(
    session: Session,
    tasks: Sequence[Task],
    audit: AuditRows,
    actor: str,
    case_of: dict[int, Case],
) -> None:
    """Insert planned tasks (their `case_id` set) with one statement; each task's "created"
    event, naming the unit it was routed to before any overflow move, goes to `audit`."""
    if not tasks:
        return
    insert_rows(session, tasks)
    for task in tasks:
        _attach(session, task)
        audit.add(
            actor,
            "task",
            task.id,
            "created",
            kind=task.kind,
            unit=task.original_unit or task.unit,
            case=case_of[id(task)].reference,
        )


def insert_rows(session: Session, rows: Sequence[Row]) -> list[int]:
    """Insert transient ORM objects of one class with one multi-row INSERT ... RETURNING id
    ("insertmanyvalues"); sets each object's id and the column defaults it lacked."""
    table = _table(type(rows[0]))
    values = [_column_values(table, row) for row in rows]
    if session.get_bind().dialect.name == "sqlite":
        ids = _insert_in_order_sqlite(session, table, values)
    else:
        # PostgreSQL: one INSERT whose RETURNING rows SQLAlchemy sorts back into our order.
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = list(session.execute(statement, values).scalars())
    for row, row_id in zip(rows, ids, strict=True):
        row.id = row_id  # type: ignore[attr-defined]
    return ids


def _insert_in_order_sqlite(
    session: Session, table: Table, values: list[dict[str, Any]]
) -> list[int]:
    """The new ids in the order of `values`. SQLAlchemy cannot match SQLite's RETURNING rows to
    parameter sets and would fall back to one INSERT per row; but SQLite gives each new row of
    a table with an integer primary key the largest id so far plus one, row after row in
    VALUES order, so the ids sorted are in our order. That holds when they are contiguous,
    which is checked: anything else (ids chosen at random after the largest possible one) stops
    the batch, and the pipeline routes its contacts one at a time."""
    ids = sorted(session.execute(insert(table).returning(table.c.id), values).scalars())
    if ids and ids[-1] - ids[0] + 1 != len(ids):
        raise RuntimeError(
            f"{table.name}: ids of a multi-row INSERT are not contiguous ({ids[0]}..{ids[-1]} "
            f"for {len(ids)} rows); cannot tell which row got which"
        )
    return ids


def _column_values(table: Table, row: DeclarativeBase) -> dict[str, Any]:
    """Every column but the id, as set on the object or else its default. A default is also
    put in the object's dict (as the ORM's loader does: no attribute events), so the object is
    complete once attached and never reloaded."""
    loaded = row.__dict__
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.key == "id":
            continue
        if column.key not in loaded:
            default = column.default
            value = None
            if default is not None:
                value = default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
            loaded[column.key] = value
        values[column.key] = loaded[column.key]
    return values


def _attach(session: Session, row: DeclarativeBase) -> None:
    """Make a written object persistent in the session as if loaded: no INSERT, no SELECT."""
    make_transient_to_detached(row)
    session.add(row)


def _table(model: type[DeclarativeBase]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table
