"""Task lists and the work on one task, for the units a person works in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from intake import work_policies
from intake.app import App
from intake.services.access import require_unit
from intake.services.contacts import ContactView, contact_view_of_task
from intake.services.errors import NotFound, Refused
from intake.services.principal import Principal
from workflow.answers import AnswerChannel, AnswerReceipt, answer_task
from workflow.callbacks import CallbackPolicy
from workflow.db import unit_of_work
from workflow.models import Task, TaskStatus, utcnow
from workflow.queue import ACTIVE, TaskFilter, TaskRow, task_list
from workflow.tasks import (
    Claim,
    ClaimOutcome,
    LeasePolicy,
    TaskError,
    add_comment,
    claim_next,
    claim_task,
    complete,
    reassign,
    release,
)

_T = TypeVar("_T")


@dataclass(frozen=True)
class TaskList:
    unit: str
    units: tuple[str, ...]
    rows: tuple[TaskRow, ...]
    kind: str | None
    now: datetime


@dataclass(frozen=True)
class TaskDetail:
    id: int
    unit: str
    kind: str
    status: str
    priority: int
    title: str
    note: str
    due_at: datetime | None
    claimed_by: str | None
    lease_expires_at: datetime | None
    assignee: str | None
    original_unit: str | None
    contact: ContactView | None
    mine: bool


def lease_policy(app: App) -> LeasePolicy:
    return work_policies.lease_policy(app.settings)


def callback_policy(app: App) -> CallbackPolicy:
    return work_policies.callback_policy(app.settings)


def workable_units(app: App, principal: Principal) -> tuple[str, ...]:
    return tuple(u.code for u in app.organisation.units if principal.may_work_unit(u.code))


def list_tasks(
    app: App,
    principal: Principal,
    unit: str | None = None,
    *,
    kind: str | None = None,
    include_done: bool = False,
    limit: int = 50,
) -> TaskList:
    """A unit's list, least slack first; without a unit, the person's first unit."""
    units = workable_units(app, principal)
    if not units:
        raise NotFound(f"{principal.username} works in no unit")
    chosen = unit or units[0]
    if chosen not in {u.code for u in app.organisation.units}:
        raise NotFound(f"no unit '{chosen}'")
    require_unit(principal, chosen)
    statuses = tuple(TaskStatus) if include_done else ACTIVE
    wanted = TaskFilter(unit=chosen, statuses=statuses, kind=kind, limit=limit)
    now = utcnow()
    with app.sessions() as session:
        rows = task_list(session, wanted, now)
    return TaskList(chosen, units, tuple(rows), kind, now)


def my_tasks(app: App, principal: Principal, limit: int = 50) -> tuple[TaskRow, ...]:
    """What the person holds or has been given."""
    wanted = TaskFilter(agent=principal.actor, limit=limit)
    with app.sessions() as session:
        return tuple(task_list(session, wanted, utcnow()))


def _load(session: Session, principal: Principal, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    require_unit(principal, task.unit)
    return task


def task_detail(app: App, principal: Principal, task_id: int) -> TaskDetail:
    with app.sessions() as session:
        task = _load(session, principal, task_id)
        detail = TaskDetail(
            id=task.id,
            unit=task.unit,
            kind=task.kind,
            status=task.status,
            priority=task.priority,
            title=task.title,
            note=task.note,
            due_at=task.due_at,
            claimed_by=task.claimed_by,
            lease_expires_at=task.lease_expires_at,
            assignee=task.assignee,
            original_unit=task.original_unit,
            contact=None,
            mine=task.status == TaskStatus.CLAIMED and task.claimed_by == principal.actor,
        )
        contact_id = task.contact_id
    if contact_id is None:
        return detail
    return replace(detail, contact=contact_view_of_task(app, contact_id))


def _change(app: App, principal: Principal, task_id: int, work: Callable[[Session], _T]) -> _T:
    """One transaction on a task the person may work; a refused change alters nothing."""
    try:
        with unit_of_work(app.sessions) as session:
            _load(session, principal, task_id)
            return work(session)
    except TaskError as error:
        raise Refused(str(error)) from None


def claim(app: App, principal: Principal, task_id: int) -> Claim:
    now, policy, org = utcnow(), lease_policy(app), app.organisation
    result = _change(
        app,
        principal,
        task_id,
        lambda s: claim_task(s, task_id, principal.actor, now, policy, org),
    )
    if result.outcome is not ClaimOutcome.CLAIMED:
        raise Refused(result.reason)
    return result


def claim_most_urgent(app: App, principal: Principal, unit: str) -> Claim:
    require_unit(principal, unit)
    now, policy, org = utcnow(), lease_policy(app), app.organisation
    try:
        with unit_of_work(app.sessions) as session:
            result = claim_next(session, unit, principal.actor, now, policy, org)
    except TaskError as error:
        raise Refused(str(error)) from None
    if result.outcome is not ClaimOutcome.CLAIMED:
        raise Refused(result.reason)
    return result


def give_back(app: App, principal: Principal, task_id: int) -> None:
    _change(app, principal, task_id, lambda s: release(s, task_id, principal.actor, utcnow()))


def finish(app: App, principal: Principal, task_id: int, note: str = "") -> None:
    _change(
        app, principal, task_id, lambda s: complete(s, task_id, principal.actor, utcnow(), note)
    )


def comment(app: App, principal: Principal, task_id: int, text: str) -> int:
    return _change(
        app, principal, task_id, lambda s: add_comment(s, task_id, principal.actor, text, utcnow())
    )


def move(
    app: App,
    principal: Principal,
    task_id: int,
    *,
    unit: str | None = None,
    agent: str | None = None,
    reason: str = "",
) -> None:
    """Send a task to another unit's list, or give it to an agent."""
    _change(
        app,
        principal,
        task_id,
        lambda s: reassign(s, task_id, principal.actor, unit=unit, agent=agent, reason=reason),
    )


def answer(
    app: App, principal: Principal, task_id: int, body: str, *, letter: bool = False
) -> AnswerReceipt:
    """Answer the customer (an email through the outbox, or a letter recorded as sent)."""
    if not body.strip():
        raise Refused("an empty answer says nothing to the customer")
    channel = AnswerChannel.LETTER if letter else AnswerChannel.EMAIL
    domain, policy, org = (
        work_policies.message_id_domain(app),
        callback_policy(app),
        app.organisation,
    )
    return _change(
        app,
        principal,
        task_id,
        lambda s: answer_task(
            s,
            org,
            task_id,
            principal.actor,
            body,
            utcnow(),
            channel=channel,
            message_id_domain=domain,
            callbacks=policy,
        ),
    )
