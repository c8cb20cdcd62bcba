"""Overflow placement for a batch of new tasks before they are written: one query for the queues.

`workflow.overflow.place_task` asks the database twice per task how many tasks are ahead of it.
For a batch, the queue counts of every task that may move (in its unit and in the unit's
backup) come from one SELECT of scalar subqueries, taken before the batch is inserted; the
batch's own tasks are then added in memory in routing order, each in the unit it ended up in,
so every task sees the queue exactly as routing one contact at a time would have left it.
The decision itself is `overflow.place_task`'s: move to the backup only when the task would
finish late here and sooner there.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
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
    earlier: list[Task] = []
    for task, backup in wanted:
        if backup is not None:
            here = counts[(task.unit, task.due_at)] + _ahead_in_batch(earlier, task.unit, task)
            there = counts[(backup, task.due_at)] + _ahead_in_batch(earlier, backup, task)
            reason = _reason_to_move(session, org, task, backup, here, there, now)
            if reason is not None:
                moves.append(PlannedMove(task, task.unit, backup, reason))
                task.original_unit, task.unit = task.unit, backup
        earlier.append(task)
    return moves


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
    one SELECT whatever the batch size. Per unit, the moments are sorted and each subquery
    counts only the slice since the previous one (the sums are added up here), so every task
    of a queue is counted once per batch, not once per task of the batch."""
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
    size = -(-len(slices) // _SIZE_STEP) * _SIZE_STEP
    # Padded with empty slices, so a few statement shapes serve every batch (and stay compiled).
    padded = slices + [(slices[-1][0], _BEFORE_ALL, _BEFORE_ALL)] * (size - len(slices))
    parameters: dict[str, object] = {}
    for number, (unit, after, until) in enumerate(padded):
        parameters[f"unit_{number}"] = unit
        parameters[f"after_{number}"], parameters[f"until_{number}"] = after, until
    row = session.execute(_counts_statement(size), parameters).one()
    counts: dict[tuple[str, datetime], int] = {}
    running: dict[str, int] = {}
    for (unit, _after, until), count in zip(slices, row, strict=False):
        running[unit] = running.get(unit, 0) + int(count or 0)
        counts[(unit, until)] = running[unit]
    return counts


# Statement sizes grow in steps of this many counts.
_SIZE_STEP = 16
# The lower end of a unit's first slice: before any deadline.
_BEFORE_ALL = datetime(1900, 1, 1, tzinfo=UTC)


@functools.cache
def _counts_statement(size: int) -> Select[Any]:
    """SELECT of `size` counts of a unit's active tasks due in a slice of time (after, until],
    with bound parameters `unit_N`, `after_N` and `until_N`, built once per size."""
    due_type = Task.due_at.type
    return select(
        *(
            select(func.count())
            .where(
                Task.unit == bindparam(f"unit_{number}"),
                Task.status.in_(ACTIVE),
                Task.due_at > bindparam(f"after_{number}", type_=due_type),
                Task.due_at <= bindparam(f"until_{number}", type_=due_type),
            )
            .scalar_subquery()
            .label(f"count_{number}")
            for number in range(size)
        )
    )


def _ahead_in_batch(earlier: Sequence[Task], unit: str, task: Task) -> int:
    """The batch's tasks routed before `task` that wait in `unit` and are due no later."""
    assert task.due_at is not None
    return sum(
        1
        for other in earlier
        if other.unit == unit
        and other.status in ACTIVE
        and other.due_at is not None
        and other.due_at <= task.due_at
    )


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
