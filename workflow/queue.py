"""Task lists: per unit and per agent, the task that will break its deadline first comes first.

Slack is deadline minus now minus the expected handling time. `now` is the same for every row of
a list, so ordering by deadline minus expected handling time (the *slack key*) orders by slack.
Migration 0004 indexes that key per unit and status on both databases, so the first page of a
list of a million tasks is read from the index instead of sorting the table.

Lost work last: a task whose slack has run out (it will break its deadline however fast it is
done) comes after every task that can still be in time, least slack first in each group. Served
strictly by least slack, a swamped unit spends its hours on tasks that break anyway while the
next ones run out of time behind them (the cascade of earliest-deadline-first under overload);
the late ones are the escalation clock's (`workflow.escalation`). Each group is a range of the
same index, so the order costs two index reads instead of one.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Float, Select, func, literal_column, select
from sqlalchemy.orm import Session

from workflow.models import Case, Task, TaskStatus

ACTIVE: tuple[str, ...] = (TaskStatus.OPEN, TaskStatus.CLAIMED)

# Must read exactly as the index expression of migration 0004, or SQLite will not use the index.
_SQLITE_KEY = "(coalesce(julianday(tasks.due_at), 1e9) - tasks.expected_minutes / 1440.0)"
# SQLite's julianday() of the Unix epoch: its key is in days since noon of 24 November 4714 BC.
_JULIAN_DAY_OF_EPOCH = 2440587.5


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks a list shows. `agent` means tasks the agent holds or is assigned."""

    unit: str | None = None
    agent: str | None = None
    statuses: tuple[str, ...] = ACTIVE
    kind: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class TaskRow:
    """One line of a task list, as people see it."""

    id: int
    case_reference: str
    unit: str
    kind: str
    priority: int
    status: str
    due_at: datetime | None
    expected_minutes: float
    slack_minutes: float | None
    title: str
    claimed_by: str | None
    assignee: str | None
    lease_expires_at: datetime | None


def slack_key(dialect_name: str) -> ColumnElement[float]:
    """The ordering key of a task list, written as the database's index expects it."""
    if dialect_name == "postgresql":
        return func.task_slack_key(Task.due_at, Task.expected_minutes, type_=Float)
    return literal_column(_SQLITE_KEY, Float)


def lost_from(dialect_name: str, now: datetime) -> float:
    """The slack key below which a task's slack at `now` is negative: its deadline is lost.
    Keys are the UTC moment when work must start: epoch seconds on PostgreSQL (migration 0004's
    `task_slack_key`), Julian days on SQLite; a task without a deadline is never lost."""
    seconds = now.astimezone(UTC).timestamp()
    if dialect_name == "postgresql":
        return seconds
    return seconds / 86400.0 + _JULIAN_DAY_OF_EPOCH


def saveable_then_lost(
    dialect_name: str, now: datetime
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Conditions of the two groups of a list, in the order they are served: tasks that can
    still make their deadline (or have none), then those whose deadline is lost."""
    key, lost = slack_key(dialect_name), lost_from(dialect_name, now)
    return key >= lost, key < lost


def slack_minutes(due_at: datetime | None, expected_minutes: float, now: datetime) -> float | None:
    """Minutes to spare if work started now; negative means the deadline will be missed."""
    if due_at is None:
        return None
    return (due_at - now - timedelta(minutes=expected_minutes)) / timedelta(minutes=1)


def task_list(session: Session, wanted: TaskFilter, now: datetime) -> list[TaskRow]:
    """The tasks `wanted` selects, least slack first (ties: older task first)."""
    ids = ordered_task_ids(session, wanted, now)
    if not ids:
        return []
    rows = session.execute(
        select(Task, Case.reference).join(Case, Case.id == Task.case_id).where(Task.id.in_(ids))
    ).all()
    by_id = {task.id: (task, reference) for task, reference in rows}
    return [_row(*by_id[task_id], now) for task_id in ids if task_id in by_id]


def ordered_task_ids(session: Session, wanted: TaskFilter, now: datetime) -> list[int]:
    """Ids of the selected tasks, those that can still be in time first, each group in
    least-slack order; at most `wanted.limit`."""
    dialect = session.get_bind().dialect.name
    ids: list[int] = []
    for group in saveable_then_lost(dialect, now):
        ids.extend(_ordered_ids_in(session, wanted, group, wanted.limit - len(ids)))
        if len(ids) >= wanted.limit:
            break
    return ids


def _ordered_ids_in(
    session: Session, wanted: TaskFilter, group: ColumnElement[bool], limit: int
) -> list[int]:
    """Ids of the selected tasks of one group in least-slack order, at most `limit`."""
    key = slack_key(session.get_bind().dialect.name)
    if wanted.agent is not None:
        # Two index searches (ix_tasks_claimed_by, ix_tasks_assignee) merged here: an OR of
        # the two made SQLite scan the whole table (35 ms at 100,000 tasks instead of 0.3).
        held = Task.claimed_by == wanted.agent
        given = Task.assignee == wanted.agent
        rows: set[tuple[object, int]] = set()
        for holder in (held, given):
            query = _filtered(select(key, Task.id), wanted).where(
                holder, Task.status.in_(wanted.statuses), group
            )
            rows.update(session.execute(query.order_by(key, Task.id).limit(limit)).all())
        ordered = sorted(rows, key=lambda row: (_sortable(row[0]), row[1]))
        return [task_id for _key, task_id in ordered[:limit]]
    # One index walk per status, merged here: an IN over statuses cannot be read in key order.
    per_status = []
    for status in wanted.statuses:
        query = _filtered(select(key, Task.id), wanted).where(Task.status == status, group)
        per_status.append(session.execute(query.order_by(key, Task.id).limit(limit)).all())
    merged = heapq.merge(*per_status, key=lambda row: (row[0], row[1]))
    return [task_id for _key, task_id in list(merged)[:limit]]


def _sortable(key: object) -> float:
    return float("inf") if key is None else float(key)  # type: ignore[arg-type]


def _filtered(query: Select[tuple[object, ...]], wanted: TaskFilter) -> Select[tuple[object, ...]]:
    if wanted.unit is not None:
        query = query.where(Task.unit == wanted.unit)
    if wanted.kind is not None:
        query = query.where(Task.kind == wanted.kind)
    return query


def _row(task: Task, reference: str | None, now: datetime) -> TaskRow:
    return TaskRow(
        id=task.id,
        case_reference=reference or "",
        unit=task.unit,
        kind=task.kind,
        priority=task.priority,
        status=task.status,
        due_at=task.due_at,
        expected_minutes=task.expected_minutes,
        slack_minutes=slack_minutes(task.due_at, task.expected_minutes, now),
        title=task.title,
        claimed_by=task.claimed_by,
        assignee=task.assignee,
        lease_expires_at=task.lease_expires_at,
    )
