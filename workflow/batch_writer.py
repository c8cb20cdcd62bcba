"""The route stage's batch writer: a batch of contacts' cases, tasks and audit events written
with one INSERT per table (`workflow.bulk_insert`) instead of an ORM flush per row.

Routing decides every contact in memory first (`Work`: a case planned with
`cases.plan_case`, or the existing case a reply joins, and a task planned with
`cases.plan_task`). `write_batch` then, in this order:
1. places the new answer tasks (overflow to a backup unit, `batch_placement`: one query);
2. runs the incident check on the new cases, in routing order, before they are written
   (`incidents.watch_for_incidents`): links, raised priorities and trail notes go in with the
   inserts instead of an UPDATE per case; an incident opened is inserted at once (its id is in
   the links and notes), with no flush of the transaction's other changes;
3. notes each overflow move on its case's trail (after the incident note, as one at a time);
4. inserts the new cases with their references (made of the id: on PostgreSQL the ids are
   taken from the sequence first and the references go in with the rows; on SQLite the ids come
   back from the insert and one UPDATE sets the references), and announces the incidents
   opened on them (the supervisors' task);
5. inserts the tasks, then every audit event of the batch in one INSERT.

Cases and tasks are planned and written without the unit of work (`workflow.orm_rows`); the
written rows become ordinary persistent ORM objects of the session (no SELECT): later route
steps (acknowledgement, verification) and later changes work on them as on any other.
Everything happens in the caller's transaction: a crash before its commit leaves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from workflow.audit import AuditRows
from workflow.batch_placement import PlannedMove, place_new_tasks
from workflow.bulk_insert import ids_come_first, next_ids
from workflow.cases import case_reference
from workflow.incidents import UnwrittenTasks, announce, watch_for_incidents
from workflow.models import Case, Task
from workflow.org_models import Organisation
from workflow.orm_rows import attach, insert_rows, insert_rows_with_ids, table_of

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
            announce(session, org, outcome.opening, actor, audit)
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
    """Insert planned cases with one statement, each with its reference (made of the id); each
    case's "opened" event goes to `audit`."""
    if not cases:
        return
    if ids_come_first(session):
        # The ids are known before the insert, so the references go in with the rows.
        new_ids = next_ids(session, table_of(Case), len(cases))
        for row, case_id in zip(cases, new_ids, strict=True):
            row.id, row.reference = case_id, case_reference(case_id)
        insert_rows_with_ids(session, cases)
    else:
        references = {case_id: case_reference(case_id) for case_id in insert_rows(session, cases)}
        # On the connection, as the inserts (`workflow.bulk_insert`): no autoflush.
        session.connection().execute(
            _SET_REFERENCE,
            [{"case_id": case_id, "new_reference": ref} for case_id, ref in references.items()],
        )
        for row in cases:
            row.reference = references[row.id]
    for row in cases:
        attach(session, row)
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
        attach(session, task)
        audit.add(
            actor,
            "task",
            task.id,
            "created",
            kind=task.kind,
            unit=task.original_unit or task.unit,
            case=case_of[id(task)].reference,
        )
