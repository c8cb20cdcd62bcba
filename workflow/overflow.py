"""Overflow and substitutes: work moves before it breaks its deadline, and away from the absent.

A unit's expected waiting time comes from its recent throughput (answers done per business hour
over `overflow.window_days`, or an estimate from its agents while there is too little history)
and from the tasks ahead in its queue (those due earlier). When an answer task is predicted to
finish after its deadline and the unit's backup would finish it sooner, it moves there;
`Task.original_unit` keeps where it came from, and a task moves only once. Tasks assigned to or
claimed by an absent agent go to the substitute of `absences.yaml`.

`rebalance(session, org, now)` does both for the clock; `place_task` checks one new task at
routing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.business_time import business_calendar
from workflow.models import Task, TaskKind, TaskStatus
from workflow.org_models import Organisation

# An agent answers about this many tasks an hour when the unit has no history yet (15 minutes
# each, the default expected handling time of a task).
ESTIMATED_TASKS_PER_AGENT_HOUR = 4.0
# Throughput changes slowly; it is measured again at most this often per database and unit.
THROUGHPUT_TTL = timedelta(minutes=5)
ACTIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)
# What places a task in a unit's queue, for `queue_ahead`.
_QUEUE_PLACE = ("unit", "status", "due_at")


@dataclass(frozen=True)
class Throughput:
    unit: str
    per_hour: float
    # True when measured from done tasks, False when estimated from the unit's agents.
    measured: bool


@dataclass(frozen=True)
class Move:
    task_id: int
    from_unit: str
    to_unit: str
    reason: str


@dataclass(frozen=True)
class Substitution:
    task_id: int
    absent: str
    substitute: str


@dataclass(frozen=True)
class RebalanceReport:
    moves: tuple[Move, ...] = ()
    substitutions: tuple[Substitution, ...] = ()


_throughputs: dict[tuple[int, str], tuple[datetime, Throughput]] = {}


def throughput(session: Session, org: Organisation, unit: str, now: datetime) -> Throughput:
    """Answer tasks the unit completed per business hour over the window (cached briefly)."""
    key = (id(session.get_bind()), unit)
    cached = _throughputs.get(key)
    if cached is not None and abs(now - cached[0]) < THROUGHPUT_TTL:
        return cached[1]
    measured = _measure(session, org, unit, now)
    _throughputs[key] = (now, measured)
    return measured


def forget_throughputs() -> None:
    """Measure again on next use (after tasks were completed in bulk, or in tests)."""
    _throughputs.clear()


def _measure(session: Session, org: Organisation, unit: str, now: datetime) -> Throughput:
    since = now - timedelta(days=org.overflow.window_days)
    done = session.scalar(
        select(func.count()).where(
            Task.unit == unit,
            Task.status == TaskStatus.DONE,
            Task.completed_at >= since,
            Task.completed_at <= now,
        )
    )
    calendar = business_calendar(org.calendar(org.unit(unit).calendar))
    hours = calendar.business_hours_between(since, now)
    return throughput_from(org, unit, done or 0, hours)


def throughput_from(org: Organisation, unit: str, done: int, hours: float) -> Throughput:
    """The rate of `done` answers over `hours` business hours; with too few of them, an estimate
    from the unit's agents (the surge simulator measures its own history with this too)."""
    if done >= org.overflow.min_done and hours > 0:
        return Throughput(unit, done / hours, measured=True)
    agents = len(org.agents_of(unit))
    return Throughput(unit, agents * ESTIMATED_TASKS_PER_AGENT_HOUR, measured=False)


def predicted_finish(
    org: Organisation, rate: Throughput, ahead: int, expected_minutes: float, now: datetime
) -> datetime | None:
    """When a task with `ahead` tasks before it would be done; None when the unit does nothing."""
    if rate.per_hour <= 0:
        return None
    hours = ahead / rate.per_hour + expected_minutes / 60
    calendar = business_calendar(org.calendar(org.unit(rate.unit).calendar))
    return calendar.add_business_hours(now, hours)


def queue_ahead(session: Session, unit: str, due_at: datetime, exclude: int | None) -> int:
    """Active tasks of the unit that are due no later than `due_at`: they are served first."""
    query = select(func.count()).where(
        Task.unit == unit, Task.status.in_(ACTIVE), Task.due_at <= due_at
    )
    if exclude is not None:
        query = query.where(Task.id != exclude)
    if _queues_changed_in_memory(session):
        session.flush()
    # Other pending changes (audit events, case links, priorities) do not change the count and
    # wait for the next flush: an autoflush here cost a flush of its own per contact.
    with session.no_autoflush:
        return session.scalar(query) or 0


def _queues_changed_in_memory(session: Session) -> bool:
    """True when a task not yet written is new, deleted, or moved in a queue (unit, status or
    due date changed)."""
    if any(isinstance(item, Task) for item in (*session.new, *session.deleted)):
        return True
    return any(
        isinstance(item, Task)
        and any(inspect(item).attrs[name].history.has_changes() for name in _QUEUE_PLACE)
        for item in session.dirty
    )


def place_task(session: Session, org: Organisation, task: Task, now: datetime) -> Move | None:
    """Move a new answer task to its unit's backup when only the backup can be in time."""
    backup = org.unit(task.unit).backup
    if not _may_move(task) or backup is None:
        return None
    assert task.due_at is not None
    ahead = queue_ahead(session, task.unit, task.due_at, task.id)
    return _move_if_sooner(session, org, task, backup, ahead, 0, now)


def _may_move(task: Task) -> bool:
    return (
        task.kind == TaskKind.ANSWER
        and task.status == TaskStatus.OPEN
        and task.due_at is not None
        and task.original_unit is None
    )


def _move_if_sooner(
    session: Session,
    org: Organisation,
    task: Task,
    backup: str,
    ahead: int,
    moved_to_backup: int,
    now: datetime,
) -> Move | None:
    assert task.due_at is not None
    here = predicted_finish(
        org, throughput(session, org, task.unit, now), ahead, _minutes(task), now
    )
    if here is not None and here <= task.due_at:
        return None
    backup_ahead = queue_ahead(session, backup, task.due_at, None) + moved_to_backup
    there = predicted_finish(
        org, throughput(session, org, backup, now), backup_ahead, _minutes(task), now
    )
    if not backup_is_sooner(here, there, task.due_at):
        return None
    reason = (
        f"predicted to finish {_when(here)} after its deadline {task.due_at:%Y-%m-%d %H:%M %Z} "
        f"in {task.unit} ({ahead} ahead); backup {backup} finishes {_when(there)}"
    )
    move = Move(task.id, task.unit, backup, reason)
    task.original_unit, task.unit = task.unit, backup
    record(session, "overflow", "task", task.id, "overflowed", to=backup, reason=reason)
    return move


def backup_is_sooner(here: datetime | None, there: datetime | None, due_at: datetime) -> bool:
    """True when work predicted to finish `here` misses `due_at` and the backup, finishing
    `there`, would be done sooner: the one rule of every overflow move."""
    if here is not None and here <= due_at:
        return False
    return there is not None and (here is None or there < here)


def _minutes(task: Task) -> float:
    return task.expected_minutes if task.expected_minutes is not None else 15.0


def _when(moment: datetime | None) -> str:
    return "never (no one to do it)" if moment is None else f"{moment:%Y-%m-%d %H:%M %Z}"


def rebalance(session: Session, org: Organisation, now: datetime) -> RebalanceReport:
    """Hand the work of absent agents to their substitutes, then overflow what would break its
    deadline; for the clock to call every few minutes."""
    substitutions = substitute_absent(session, org, now)
    moves: list[Move] = []
    for unit in org.units:
        if unit.backup is not None:
            moves.extend(_overflow_unit(session, org, unit.code, unit.backup, now))
    return RebalanceReport(tuple(moves), tuple(substitutions))


def _overflow_unit(
    session: Session, org: Organisation, unit: str, backup: str, now: datetime
) -> list[Move]:
    """Walk the queue in deadline order: a task's place is its index minus what moved before."""
    queue = session.scalars(
        select(Task)
        .where(Task.unit == unit, Task.status.in_(ACTIVE), Task.due_at.is_not(None))
        .order_by(Task.due_at, Task.id)
    ).all()
    moves: list[Move] = []
    for index, task in enumerate(queue):
        if not _may_move(task):
            continue
        move = _move_if_sooner(session, org, task, backup, index - len(moves), len(moves), now)
        if move is not None:
            moves.append(move)
    return moves


def substitute_absent(session: Session, org: Organisation, now: datetime) -> list[Substitution]:
    """Active tasks assigned to or claimed by an absent agent go to their substitute; a claimed
    one is released to the substitute (its lease ends)."""
    day = now.astimezone(business_calendar(org.calendar(org.default_calendar)).tz).date()
    absent = {a.agent for a in org.absences if a.covers(day)}
    if not absent:
        return []
    tasks = session.scalars(
        select(Task).where(
            Task.status.in_(ACTIVE),
            or_(Task.assignee.in_(absent), Task.claimed_by.in_(absent)),
        )
    ).all()
    substitutions = []
    for task in tasks:
        away = task.claimed_by if task.claimed_by in absent else task.assignee
        assert away is not None
        substitute = substitute_for(org, away, day)
        if substitute is None:
            continue
        if task.claimed_by == away:
            task.status, task.claimed_by, task.lease_expires_at = TaskStatus.OPEN, None, None
        task.assignee = substitute
        record(session, "overflow", "task", task.id, "substituted", absent=away, to=substitute)
        substitutions.append(Substitution(task.id, away, substitute))
    return substitutions


def substitute_for(org: Organisation, agent: str, day: date) -> str | None:
    """The substitute of an absent agent; when the substitute is away too, theirs, and so on.
    None when the chain comes back round to someone absent."""
    seen = {agent}
    current = agent
    for _ in range(len(org.absences) + 1):
        absence = org.absence_of(current, day)
        if absence is None:
            return current if current != agent else None
        current = absence.substitute
        if current in seen:
            return None
        seen.add(current)
    return None
