"""Working on tasks: claim with a lease, renew, release, complete, reassign, comment.

A claim is a lease: the agent holds the task until `lease_expires_at`; a lease that is not
renewed runs out and the task goes back to its unit's list (`expire_leases`, run before every
claim and by the clock). Claiming is safe under concurrency: on PostgreSQL the candidate row is
locked with `FOR UPDATE SKIP LOCKED`, so sixteen agents asking at once get sixteen different
tasks; SQLite takes its write lock up front (`BEGIN IMMEDIATE`), so claims run one at a time.
Every state change is also a conditional UPDATE checked by its row count, so a claim can never
silently overwrite another one.

These functions work inside the caller's transaction and never commit; call a claim first in
its transaction, so SQLite's lock is taken before anything is read.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.models import Agent, Task, TaskComment, TaskStatus, Unit
from workflow.org_models import Organisation
from workflow.queue import saveable_then_lost, slack_key


class TaskError(ValueError):
    """An action on a task that cannot be done; the message says which task and why."""


class ClaimOutcome(enum.StrEnum):
    CLAIMED = "claimed"
    NOTHING = "nothing to claim"
    AT_CAPACITY = "at capacity"
    TAKEN = "taken by someone else"


@dataclass(frozen=True)
class Claim:
    outcome: ClaimOutcome
    task_id: int | None = None
    lease_expires_at: datetime | None = None
    reason: str = ""


@dataclass(frozen=True)
class LeasePolicy:
    lease: timedelta = timedelta(minutes=30)
    # Tasks an agent may hold at once when the organisation gives the agent no capacity.
    default_capacity: int = 5


def capacity_of(org: Organisation | None, agent_id: str, default: int) -> int:
    """The agent's capacity from the organisation's agents, else `default`."""
    if org is not None:
        for agent in org.agents:
            if agent.id == agent_id:
                return agent.capacity
    return default


def lock_for_claim(session: Session) -> None:
    """On SQLite, take the database's write lock now (BEGIN IMMEDIATE), so two claims cannot
    both read the same open task; PostgreSQL locks rows instead (see `claim_next`)."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    dbapi = connection.connection.driver_connection
    if dbapi is not None and not dbapi.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def expire_leases(session: Session, now: datetime, actor: str = "clock") -> list[int]:
    """Put every claimed task whose lease has run out back on its unit's list."""
    query = (
        select(Task.id)
        .where(Task.status == TaskStatus.CLAIMED, Task.lease_expires_at < now)
        # The order of the (status, lease) index: keeps the planner on it even with stale
        # statistics, where it would otherwise filter every claimed task.
        .order_by(Task.lease_expires_at, Task.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    expired = list(session.scalars(query))
    for task_id in expired:
        holder = session.scalar(select(Task.claimed_by).where(Task.id == task_id))
        session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(status=TaskStatus.OPEN, claimed_by=None, lease_expires_at=None)
            .execution_options(synchronize_session=False)
        )
        record(session, actor, "task", task_id, "lease expired", agent=holder, at=now)
    return expired


def held_by(session: Session, agent: str, now: datetime) -> int:
    """How many tasks the agent holds with a running lease."""
    count = session.scalar(
        select(func.count())
        .select_from(Task)
        .where(
            Task.claimed_by == agent,
            Task.status == TaskStatus.CLAIMED,
            Task.lease_expires_at >= now,
        )
    )
    return count or 0


def claim_next(
    session: Session,
    unit: str,
    agent: str,
    now: datetime,
    policy: LeasePolicy,
    org: Organisation | None = None,
) -> Claim:
    """Claim the open task of `unit` with the least slack for `agent`, one that can still make
    its deadline before any whose deadline is lost (the task list's order)."""
    lock_for_claim(session)
    expire_leases(session, now)
    refusal = _capacity_refusal(session, agent, now, policy, org)
    if refusal is not None:
        return refusal
    dialect = session.get_bind().dialect.name
    key = slack_key(dialect)
    task_id = None
    for group in saveable_then_lost(dialect, now):
        query = (
            select(Task.id)
            .where(Task.unit == unit, Task.status == TaskStatus.OPEN, group)
            .order_by(key, Task.id)
            .limit(1)
        )
        if dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        task_id = session.scalar(query)
        if task_id is not None:
            break
    if task_id is None:
        return Claim(ClaimOutcome.NOTHING, reason=f"unit {unit} has no open task to claim")
    if not _take(session, task_id, agent, now, policy.lease):
        return Claim(ClaimOutcome.TAKEN, task_id, reason=f"task {task_id} was claimed meanwhile")
    return Claim(ClaimOutcome.CLAIMED, task_id, now + policy.lease)


def claim_task(
    session: Session,
    task_id: int,
    agent: str,
    now: datetime,
    policy: LeasePolicy,
    org: Organisation | None = None,
) -> Claim:
    """Claim one given task: open, or claimed by someone whose lease has run out."""
    lock_for_claim(session)
    task = _get(session, task_id)
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise TaskError(f"task {task_id} is {task.status}; it cannot be claimed")
    if task.status == TaskStatus.CLAIMED and task.claimed_by == agent:
        return renew_claim(session, task_id, agent, now, policy)
    refusal = _capacity_refusal(session, agent, now, policy, org)
    if refusal is not None:
        return refusal
    if not _take(session, task_id, agent, now, policy.lease):
        session.refresh(task)
        return Claim(
            ClaimOutcome.TAKEN,
            task_id,
            reason=f"task {task_id} is claimed by {task.claimed_by} until "
            f"{_clock(task.lease_expires_at)}",
        )
    return Claim(ClaimOutcome.CLAIMED, task_id, now + policy.lease)


def renew_claim(
    session: Session, task_id: int, agent: str, now: datetime, policy: LeasePolicy
) -> Claim:
    """Extend the agent's lease on a task it holds."""
    task = _held(session, task_id, agent, now)
    task.lease_expires_at = now + policy.lease
    record(session, agent, "task", task_id, "lease renewed", until=task.lease_expires_at)
    return Claim(ClaimOutcome.CLAIMED, task_id, task.lease_expires_at)


def release(session: Session, task_id: int, agent: str, now: datetime) -> None:
    """Give a held task back to its unit's list."""
    task = _held(session, task_id, agent, now)
    task.status, task.claimed_by, task.lease_expires_at = TaskStatus.OPEN, None, None
    record(session, agent, "task", task_id, "released")


def complete(session: Session, task_id: int, agent: str, now: datetime, note: str = "") -> Task:
    """Mark a task done: one the agent holds, or an open one nobody holds."""
    task = _get(session, task_id)
    if task.status == TaskStatus.OPEN:
        task.claimed_by = agent
    else:
        _held(session, task_id, agent, now)
    task.status, task.completed_at, task.lease_expires_at = TaskStatus.DONE, now, None
    if note:
        task.note = f"{task.note}\n{note}".strip()
    record(session, agent, "task", task_id, "completed", note=note)
    return task


def reassign(
    session: Session,
    task_id: int,
    actor: str,
    *,
    unit: str | None = None,
    agent: str | None = None,
    reason: str = "",
) -> Task:
    """Move a task to another unit (back on its list) or assign it to an agent."""
    if (unit is None) == (agent is None):
        raise TaskError("reassign needs exactly one of a unit or an agent")
    task = _get(session, task_id)
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise TaskError(f"task {task_id} is {task.status}; it cannot be reassigned")
    before = {"unit": task.unit, "assignee": task.assignee, "claimed_by": task.claimed_by}
    if unit is not None:
        if session.get(Unit, unit) is None:
            raise TaskError(f"task {task_id}: unknown unit {unit!r}")
        task.original_unit = task.original_unit or task.unit
        task.unit, task.assignee = unit, None
    if agent is not None:
        if session.get(Agent, agent) is None:
            raise TaskError(f"task {task_id}: unknown agent {agent!r}")
        task.assignee = agent
    # The holder loses the task either way: it is now someone else's to claim.
    task.status, task.claimed_by, task.lease_expires_at = TaskStatus.OPEN, None, None
    record(
        session,
        actor,
        "task",
        task_id,
        "reassigned",
        before=before,
        unit=task.unit,
        assignee=task.assignee,
        reason=reason,
    )
    return task


def add_comment(session: Session, task_id: int, actor: str, text: str, now: datetime) -> int:
    """A note on a task for colleagues; returns the comment's id."""
    if not text.strip():
        raise TaskError(f"task {task_id}: an empty comment says nothing")
    _get(session, task_id)
    comment = TaskComment(task_id=task_id, actor=actor, text=text.strip(), created_at=now)
    session.add(comment)
    session.flush()
    record(session, actor, "task", task_id, "commented", comment=comment.id)
    return comment.id


def _take(session: Session, task_id: int, agent: str, now: datetime, lease: timedelta) -> bool:
    """The claim itself: a conditional UPDATE that only one claimant can win."""
    claimable = or_(
        Task.status == TaskStatus.OPEN,
        and_(Task.status == TaskStatus.CLAIMED, Task.lease_expires_at < now),
    )
    result = session.execute(
        update(Task)
        .where(Task.id == task_id, claimable)
        .values(
            status=TaskStatus.CLAIMED,
            claimed_by=agent,
            lease_expires_at=now + lease,
            attempts=Task.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    record(session, agent, "task", task_id, "claimed", until=now + lease)
    return True


def _capacity_refusal(
    session: Session, agent: str, now: datetime, policy: LeasePolicy, org: Organisation | None
) -> Claim | None:
    capacity = capacity_of(org, agent, policy.default_capacity)
    held = held_by(session, agent, now)
    if held < capacity:
        return None
    return Claim(
        ClaimOutcome.AT_CAPACITY,
        reason=f"{agent} already holds {held} task(s), the capacity of {capacity}",
    )


def _get(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id, populate_existing=True)
    if task is None:
        raise TaskError(f"task {task_id} does not exist")
    return task


def _held(session: Session, task_id: int, agent: str, now: datetime) -> Task:
    """The task, if `agent` holds it with a running lease; otherwise a clear error."""
    task = _get(session, task_id)
    if task.status != TaskStatus.CLAIMED or task.claimed_by != agent:
        holder = f"claimed by {task.claimed_by}" if task.claimed_by else "not claimed"
        raise TaskError(f"task {task_id} is {task.status}, {holder}; {agent} does not hold it")
    if task.lease_expires_at is not None and task.lease_expires_at < now:
        raise TaskError(
            f"task {task_id}: the lease of {agent} ran out at {_clock(task.lease_expires_at)}; "
            "claim it again"
        )
    return task


def _clock(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")
