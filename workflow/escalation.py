"""The escalation clock: a warning when a task has used a share of its deadline, escalation at
breach, and leases that ran out put back on their lists.

The share is measured in the unit's business time, so a task due on Monday morning is not
flagged over the weekend. At breach the task goes to the unit's supervisor when it has one,
otherwise to its backup unit, and its priority becomes the highest; with neither, it stays and
only its priority rises. Each step is a field on the task (`warned_at`, `escalated_at`) and an
audit event, so the clock can run as often as wanted and acts once per task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.business_time import business_calendar
from workflow.models import Agent, Task, TaskStatus
from workflow.org_models import Organisation, Unit
from workflow.queue import ACTIVE
from workflow.tasks import expire_leases

HIGHEST_PRIORITY = 1


@dataclass(frozen=True)
class ClockPolicy:
    warning_share: float = 0.75


@dataclass(frozen=True)
class Escalation:
    task_id: int
    unit: str
    to: str
    how: str


@dataclass(frozen=True)
class ClockReport:
    warned: tuple[int, ...]
    escalated: tuple[Escalation, ...]
    leases_expired: tuple[int, ...]


def run_clock(
    session: Session,
    org: Organisation,
    now: datetime,
    policy: ClockPolicy | None = None,
    actor: str = "clock",
) -> ClockReport:
    """One tick: expire leases, warn, escalate. Safe to run again at once (acts once)."""
    policy = policy or ClockPolicy()
    if not 0 < policy.warning_share <= 1:
        raise ValueError(f"warning share must be in (0, 1], got {policy.warning_share}")
    expired = expire_leases(session, now, actor)
    candidates = session.scalars(
        select(Task)
        .where(
            Task.status.in_(ACTIVE),
            Task.due_at.is_not(None),
            or_(Task.warned_at.is_(None), Task.escalated_at.is_(None)),
        )
        .order_by(Task.due_at, Task.id)
    ).all()
    warned: list[int] = []
    escalated: list[Escalation] = []
    for task in candidates:
        assert task.due_at is not None
        if task.escalated_at is None and task.due_at <= now:
            escalated.append(_escalate(session, org, task, now, actor))
        elif task.warned_at is None and _share_used(org, task, now) >= policy.warning_share:
            task.warned_at = now
            record(session, actor, "task", task.id, "deadline warning", due_at=task.due_at)
            warned.append(task.id)
    return ClockReport(tuple(warned), tuple(escalated), tuple(expired))


def _share_used(org: Organisation, task: Task, now: datetime) -> float:
    """How much of the time from creation to deadline has passed, in business hours."""
    assert task.due_at is not None
    unit = _find_unit(org, task.unit)
    if unit is None:
        total = (task.due_at - task.created_at).total_seconds()
        used = (now - task.created_at).total_seconds()
    else:
        calendar = business_calendar(org.calendar(unit.calendar))
        total = calendar.business_hours_between(task.created_at, task.due_at)
        used = calendar.business_hours_between(task.created_at, now)
    if total <= 0:
        return 1.0 if now >= task.due_at else 0.0
    return used / total


def _escalate(
    session: Session, org: Organisation, task: Task, now: datetime, actor: str
) -> Escalation:
    unit = _find_unit(org, task.unit)
    supervisor = _attribute(unit, "supervisor")
    if supervisor is not None and session.get(Agent, supervisor) is None:
        supervisor = None
    backup = unit.backup if unit is not None else None
    from_unit = task.unit
    task.escalated_at, task.priority = now, HIGHEST_PRIORITY
    task.warned_at = task.warned_at or now
    if supervisor:
        task.assignee = supervisor
        to, how = supervisor, "supervisor"
    elif backup:
        task.original_unit = task.original_unit or task.unit
        task.unit, task.assignee = backup, None
        task.status, task.claimed_by, task.lease_expires_at = TaskStatus.OPEN, None, None
        to, how = backup, "backup unit"
    else:
        to, how = from_unit, "priority raised (no supervisor or backup unit)"
    record(
        session,
        actor,
        "task",
        task.id,
        "escalated",
        due_at=task.due_at,
        unit=from_unit,
        to=to,
        how=how,
    )
    return Escalation(task.id, from_unit, to, how)


def _find_unit(org: Organisation, code: str) -> Unit | None:
    return next((unit for unit in org.units if unit.code == code), None)


def _attribute(unit: Unit | None, name: str) -> str | None:
    # Units have no supervisor in the organisation files yet; the clock uses one when they do.
    value = getattr(unit, name, None) if unit is not None else None
    return value if isinstance(value, str) and value else None
