"""Overflow placement for a batch of new tasks before they are written: one query for the queues.

`workflow.overflow.place_task` asks the database twice per task how many tasks are ahead of it.
For a batch, the queue counts of every task that may move (in its unit and in the unit's
backup) come from one SELECT, taken before the batch is inserted; the
batch's own tasks are then added in memory in routing order, each in the unit it ended up in,
so every task sees the queue exactly as routing one contact at a time would have left it.
The decision itself is `overflow.place_task`'s: move to the backup only when the task would
finish late here and sooner there.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from workflow.models import Task, TaskKind, TaskStatus
from workflow.org_models import Organisation
from workflow.overflow import ACTIVE, predicted_finish, throughput

# An answer task's expected handling time when it names none (as `workflow.overflow`).
DEFAULT_MINUTES = 15.0


@dataclass(frozen=True)
class PlannedMove:
    """A task of the batch that goes to its unit's backup; its audit event waits for its id."""

    task: Task
    from_unit: str
    to_unit: str
    reason: str


def place_new_tasks(
    session: Session, org: Organisation, tasks: Sequence[Task], now: datetime
) -> list[PlannedMove]:
    """Move the batch's new answer tasks that only their backup unit can finish in time; the
    tasks are changed in memory (`unit`, `original_unit`), in order."""
    wanted = [(task, _backup(org, task)) for task in tasks]
    counts = _queue_counts(session, [(t, b) for t, b in wanted if b is not None])
    moves: list[PlannedMove] = []
    earlier = _BatchQueues()
    for task, backup in wanted:
        if backup is not None:
            assert task.due_at is not None
            here = counts[(task.unit, task.due_at)] + earlier.ahead(task.unit, task.due_at)
            there = counts[(backup, task.due_at)] + earlier.ahead(backup, task.due_at)
            reason = _reason_to_move(session, org, task, backup, here, there, now)
            if reason is not None:
                moves.append(PlannedMove(task, task.unit, backup, reason))
                task.original_unit, task.unit = task.unit, backup
        earlier.add(task)
    return moves


@dataclass
class _BatchQueues:
    """The batch's tasks routed so far that wait in a queue: per unit, their deadlines in
    order, so how many of them are ahead of a task is a binary search, not a pass over the
    batch for every task (which grew with the square of the batch size)."""

    dues: dict[str, list[datetime]] = field(default_factory=dict)

    def add(self, task: Task) -> None:
        """Count `task` in the unit it ended up in, if it waits there."""
        if task.status in ACTIVE and task.due_at is not None:
            bisect.insort_right(self.dues.setdefault(task.unit, []), task.due_at)

    def ahead(self, unit: str, due_at: datetime) -> int:
        """The tasks added that wait in `unit` and are due no later than `due_at`."""
        return bisect.bisect_right(self.dues.get(unit, []), due_at)


def _backup(org: Organisation, task: Task) -> str | None:
    """The unit a task may move to, or None when it may not move."""
    movable = (
        task.kind == TaskKind.ANSWER
        and task.status == TaskStatus.OPEN
        and task.due_at is not None
        and task.original_unit is None
    )
    return org.unit(task.unit).backup if movable else None


def _queue_counts(
    session: Session, wanted: Sequence[tuple[Task, str]]
) -> dict[tuple[str, datetime], int]:
    """Active tasks in the database due no later than each task, in its unit and its backup:
    one SELECT whatever the batch size. Per unit, the moments are sorted and each slice of time
    since the previous one is counted (the sums are added up here), so every task of a queue
    is counted once per batch, not once per task of the batch."""
    moments: dict[str, set[datetime]] = {}
    for task, backup in wanted:
        assert task.due_at is not None
        moments.setdefault(task.unit, set()).add(task.due_at)
        moments.setdefault(backup, set()).add(task.due_at)
    slices = [
        (unit, after, until)
        for unit, dues in moments.items()
        for after, until in itertools.pairwise([_BEFORE_ALL, *sorted(dues)])
    ]
    if not slices:
        return {}
    found = _count_slices(session, slices)
    counts: dict[tuple[str, datetime], int] = {}
    running: dict[str, int] = {}
    for (unit, _after, until), count in zip(slices, found, strict=True):
        running[unit] = running.get(unit, 0) + count
        counts[(unit, until)] = running[unit]
    return counts


# The lower end of a unit's first slice: before any deadline.
_BEFORE_ALL = datetime(1900, 1, 1, tzinfo=UTC)
# Counted per slice: the active tasks of a unit due in (after, until]; the slices come as one
# parameter, a JSON array, so the statement text is the same for every batch and is parsed and
# planned once, however many slices it has (PostgreSQL: a JSON document costs psycopg far less
# CPU to send than one array a column, see `workflow.bulk_insert`).
# The active statuses are written into the text, not bound: PostgreSQL plans a prepared
# statement (psycopg prepares one run five times) once for any parameters; on a table without
# statistics yet, that generic plan with the statuses as parameters searched the index by unit
# alone and read a unit's whole queue for every slice (9 ms for a batch of 128 over 5,000
# tasks, against 2 ms with the statuses in the text). They are our own constants, plain words.
assert all(str(status).isalpha() for status in ACTIVE)
_ACTIVE_STATUSES = ", ".join(f"'{status}'" for status in ACTIVE)
_COUNT_ONE = (
    "(SELECT count(*) FROM tasks AS t WHERE t.unit = {unit}"
    f" AND t.status IN ({_ACTIVE_STATUSES})"
    " AND t.due_at > {after} AND t.due_at <= {until})"
)
_COUNT_SLICES = {
    "postgresql": text(
        "SELECT "
        + _COUNT_ONE.format(unit="s.unit", after="s.after_at", until="s.until_at")
        + " FROM ROWS FROM (json_to_recordset(CAST(:slices AS JSON))"
        " AS (unit VARCHAR, after_at TIMESTAMP WITH TIME ZONE, until_at TIMESTAMP WITH TIME ZONE))"
        " WITH ORDINALITY AS s(unit, after_at, until_at, number) ORDER BY s.number"
    ),
    "sqlite": text(
        "SELECT "
        + _COUNT_ONE.format(
            unit="json_extract(s.value, '$[0]')",
            after="json_extract(s.value, '$[1]')",
            until="json_extract(s.value, '$[2]')",
        )
        + " FROM json_each(:slices) AS s ORDER BY s.key"
    ),
}


def _count_slices(session: Session, slices: Sequence[tuple[str, datetime, datetime]]) -> list[int]:
    """The number of active tasks of `unit` due in (after, until], per slice, in order."""
    if session.autoflush:
        # A textual query does not autoflush; the counts must see this transaction's changes
        # to tasks (a claim, a move) as an ORM query would.
        session.flush()
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        encoded = json.dumps(
            [
                {"unit": unit, "after_at": after.isoformat(), "until_at": until.isoformat()}
                for unit, after, until in slices
            ]
        )
        rows = session.execute(_COUNT_SLICES["postgresql"], {"slices": encoded})
    else:
        # The same text as the ORM stores a datetime in SQLite, so the comparison holds.
        stored = Task.due_at.type.dialect_impl(dialect).bind_processor(dialect)
        assert stored is not None
        encoded = json.dumps([(unit, stored(a), stored(u)) for unit, a, u in slices])
        rows = session.execute(_COUNT_SLICES["sqlite"], {"slices": encoded})
    return [int(count) for count in rows.scalars()]


def _reason_to_move(
    session: Session,
    org: Organisation,
    task: Task,
    backup: str,
    ahead: int,
    backup_ahead: int,
    now: datetime,
) -> str | None:
    """Why the task should go to `backup`, or None when it should stay."""
    assert task.due_at is not None
    minutes = task.expected_minutes if task.expected_minutes is not None else DEFAULT_MINUTES
    here = predicted_finish(org, throughput(session, org, task.unit, now), ahead, minutes, now)
    if here is not None and here <= task.due_at:
        return None
    there = predicted_finish(org, throughput(session, org, backup, now), backup_ahead, minutes, now)
    if there is None or (here is not None and there >= here):
        return None
    return (
        f"predicted to finish {_when(here)} after its deadline {task.due_at:%Y-%m-%d %H:%M %Z} "
        f"in {task.unit} ({ahead} ahead); backup {backup} finishes {_when(there)}"
    )


def _when(moment: datetime | None) -> str:
    return "never (no one to do it)" if moment is None else f"{moment:%Y-%m-%d %H:%M %Z}"
