"""Callbacks for the call centre: the agent's list of customers to phone, one callback with the
whole story of its case, and the outcome of each call.

Only agents, supervisors and administrators see callbacks, and an agent only those of the
call-centre units they work. A call is recorded by the one who holds the callback's claim, so
two agents never phone the same customer about the same case.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.app import App
from intake.services import tasks
from intake.services.access import require_role, require_unit
from intake.services.contacts import AnswerView, CallView, ContactView, contact_view_of_task
from intake.services.errors import Forbidden, NotFound, Refused
from intake.services.principal import Principal
from workflow.accounts import Role
from workflow.callbacks import CallOutcome, record_outcome
from workflow.db import unit_of_work
from workflow.models import (
    Answer,
    CallbackAttempt,
    Case,
    Contact,
    Customer,
    Task,
    TaskKind,
    TaskStatus,
    utcnow,
)
from workflow.queue import TaskFilter, TaskRow, task_list
from workflow.tasks import Claim, TaskError

CALLBACK_ROLES = (Role.AGENT, Role.SUPERVISOR)
OUTCOMES: tuple[CallOutcome, ...] = tuple(CallOutcome)


@dataclass(frozen=True)
class Caller:
    """Who to phone: the case's customer, or the sender of its contact when not matched."""

    name: str
    phone: str | None
    email: str | None
    number: str | None


@dataclass(frozen=True)
class CallbackRow:
    """One line of the callback list."""

    id: int
    case_reference: str
    unit: str
    priority: int
    status: str
    due_at: datetime | None
    slack_minutes: float | None
    claimed_by: str | None
    customer: Caller
    calls: int


@dataclass(frozen=True)
class CallbackList:
    units: tuple[str, ...]
    rows: tuple[CallbackRow, ...]
    now: datetime


@dataclass(frozen=True)
class CallbackDetail:
    id: int
    unit: str
    status: str
    priority: int
    title: str
    due_at: datetime | None
    claimed_by: str | None
    lease_expires_at: datetime | None
    completed_at: datetime | None
    mine: bool
    case_reference: str
    case_status: str
    customer: Caller
    answer: AnswerView | None
    answered_by_unit: str | None
    calls: tuple[CallView, ...]
    contacts: tuple[ContactView, ...]


@dataclass(frozen=True)
class CallRecorded:
    """What a recorded call did: the next try's due time, or the case closed."""

    task_id: int
    case_reference: str
    attempt: int
    outcome: str
    next_due_at: datetime | None
    case_closed: bool


def callcentre_units(app: App, principal: Principal) -> tuple[str, ...]:
    """The call-centre units whose callbacks the person may work."""
    require_role(principal, *CALLBACK_ROLES)
    units = tuple(
        unit.code
        for unit in app.organisation.units
        if unit.kind == "callcentre" and principal.may_work_unit(unit.code)
    )
    if not units:
        raise Forbidden(f"{principal.username} works in no call-centre unit")
    return units


def list_callbacks(app: App, principal: Principal, limit: int = 100) -> CallbackList:
    """The open and claimed callbacks of the person's call-centre units, least slack first."""
    units = callcentre_units(app, principal)
    now = utcnow()
    with app.sessions() as session:
        per_unit = [
            task_list(session, TaskFilter(unit=u, kind=TaskKind.CALLBACK, limit=limit), now)
            for u in units
        ]
        ordered = heapq.merge(*per_unit, key=_urgency)
        task_rows = list(ordered)[:limit]
        callers = _callers(session, [row.id for row in task_rows])
        calls = _call_counts(session, [row.id for row in task_rows])
    rows = tuple(_callback_row(row, callers[row.id], calls.get(row.id, 0)) for row in task_rows)
    return CallbackList(units, rows, now)


def _urgency(row: TaskRow) -> tuple[bool, float, int]:
    # The order of the task lists, so merging the units' lists keeps it: lost work (negative
    # slack) after every callback that can still be in time, rows without a deadline last.
    slack = row.slack_minutes if row.slack_minutes is not None else float("inf")
    return (slack < 0, slack, row.id)


def _callback_row(row: TaskRow, caller: Caller, calls: int) -> CallbackRow:
    return CallbackRow(
        id=row.id,
        case_reference=row.case_reference,
        unit=row.unit,
        priority=row.priority,
        status=row.status,
        due_at=row.due_at,
        slack_minutes=row.slack_minutes,
        claimed_by=row.claimed_by,
        customer=caller,
        calls=calls,
    )


def _call_counts(session: Session, task_ids: list[int]) -> dict[int, int]:
    if not task_ids:
        return {}
    counted = session.execute(
        select(CallbackAttempt.task_id, func.count())
        .where(CallbackAttempt.task_id.in_(task_ids))
        .group_by(CallbackAttempt.task_id)
    ).all()
    return {task_id: count for task_id, count in counted}


def _callers(session: Session, task_ids: list[int]) -> dict[int, Caller]:
    """The person to phone for each callback, in three queries whatever the list's length."""
    if not task_ids:
        return {}
    links = session.execute(
        select(Task.id, Task.payload, Case.customer_id)
        .join(Case, Case.id == Task.case_id)
        .where(Task.id.in_(task_ids))
    ).all()
    customer_ids = {customer_id for _, _, customer_id in links if customer_id is not None}
    contact_ids = {
        payload.get("contact_id") for _, payload, _ in links if payload.get("contact_id")
    }
    customers = {
        c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
    }
    contacts = {
        c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))
    }
    return {
        task_id: _caller(customers.get(customer_id), contacts.get(payload.get("contact_id")))
        for task_id, payload, customer_id in links
    }


def _caller(customer: Customer | None, contact: Contact | None) -> Caller:
    # A letter often carries the phone number only in its text: the entity found there is
    # the best number the agent has when the customer record has none.
    phone = customer.phone if customer is not None else None
    if not phone and contact is not None:
        phone = next(
            (e.get("value") or e.get("text") for e in contact.entities if e.get("kind") == "phone"),
            None,
        )
    name = (customer.name if customer is not None else "") or (
        contact.sender_name if contact is not None else ""
    )
    email = customer.email if customer is not None else None
    if not email and contact is not None:
        email = contact.sender_address
    number = customer.number if customer is not None else None
    return Caller(name=name or "(name unknown)", phone=phone, email=email, number=number)


def _load(session: Session, principal: Principal, task_id: int) -> Task:
    """A callback task the person may work; any other task is not found here."""
    require_role(principal, *CALLBACK_ROLES)
    task = session.get(Task, task_id)
    if task is None or task.kind != TaskKind.CALLBACK:
        raise NotFound(f"no callback {task_id}")
    require_unit(principal, task.unit)
    return task


def callback_detail(app: App, principal: Principal, task_id: int) -> CallbackDetail:
    """One callback with its case's contacts, the answer the line unit gave and earlier calls."""
    with app.sessions() as session:
        task = _load(session, principal, task_id)
        case = session.get_one(Case, task.case_id)
        payload = task.payload or {}
        answer = session.get(Answer, payload["answer_id"]) if payload.get("answer_id") else None
        answered_by = session.get(Task, answer.task_id) if answer and answer.task_id else None
        contact_ids = list(
            session.scalars(
                select(Contact.id).where(Contact.case_id == case.id).order_by(Contact.id)
            )
        )
        caller = _callers(session, [task.id])[task.id]
        calls = session.scalars(
            select(CallbackAttempt)
            .where(CallbackAttempt.task_id == task.id)
            .order_by(CallbackAttempt.id)
        ).all()
        detail = CallbackDetail(
            id=task.id,
            unit=task.unit,
            status=task.status,
            priority=task.priority,
            title=task.title,
            due_at=task.due_at,
            claimed_by=task.claimed_by,
            lease_expires_at=task.lease_expires_at,
            completed_at=task.completed_at,
            mine=task.status == TaskStatus.CLAIMED and task.claimed_by == principal.actor,
            case_reference=case.reference or f"#{case.id}",
            case_status=case.status,
            customer=caller,
            answer=_answer_view(answer),
            answered_by_unit=answered_by.unit if answered_by else None,
            calls=tuple(CallView(c.agent, c.outcome, c.note, c.created_at) for c in calls),
            contacts=(),
        )
    # Access to the callback grants sight of its case's contacts, wherever the case now sits.
    views = tuple(contact_view_of_task(app, contact_id) for contact_id in contact_ids)
    return replace(detail, contacts=views)


def _answer_view(answer: Answer | None) -> AnswerView | None:
    if answer is None:
        return None
    return AnswerView(answer.channel, answer.body, answer.actor, answer.created_at)


def claim_callback(app: App, principal: Principal, task_id: int) -> Claim:
    with app.sessions() as session:
        _load(session, principal, task_id)
    return tasks.claim(app, principal, task_id)


def claim_most_urgent_callback(app: App, principal: Principal) -> Claim:
    """Claim the callback with the least slack in the person's first call-centre unit that
    has one."""
    units = callcentre_units(app, principal)
    refusal: Refused | None = None
    for unit in units:
        try:
            return tasks.claim_most_urgent(app, principal, unit)
        except Refused as error:
            refusal = error
    assert refusal is not None
    raise refusal


def release_callback(app: App, principal: Principal, task_id: int) -> None:
    with app.sessions() as session:
        _load(session, principal, task_id)
    tasks.give_back(app, principal, task_id)


def parse_outcome(value: str) -> CallOutcome:
    try:
        return CallOutcome(value.strip().lower().replace(" ", "_"))
    except ValueError:
        known = ", ".join(OUTCOMES)
        raise Refused(f"'{value}' is not a call outcome; use one of {known}") from None


def record_call(
    app: App, principal: Principal, task_id: int, outcome: str, note: str = ""
) -> CallRecorded:
    """Record one call on a callback the person holds: schedules the next try after no answer,
    or finishes the callback and closes the case."""
    chosen = parse_outcome(outcome)
    policy, org, now = tasks.callback_policy(app), app.organisation, utcnow()
    try:
        with unit_of_work(app.sessions) as session:
            task = _load(session, principal, task_id)
            _require_holder(task, principal)
            result = record_outcome(
                session, org, task_id, principal.actor, chosen, now, policy, note.strip()
            )
            reference = session.get_one(Case, task.case_id).reference or f"#{task.case_id}"
    except TaskError as error:
        raise Refused(str(error)) from None
    return CallRecorded(
        task_id=result.task_id,
        case_reference=reference,
        attempt=result.attempt,
        outcome=str(result.outcome),
        next_due_at=result.next_due_at,
        case_closed=result.case_closed,
    )


def _require_holder(task: Task, principal: Principal) -> None:
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise Refused(f"callback {task.id} is already {task.status}")
    if task.status != TaskStatus.CLAIMED or task.claimed_by != principal.actor:
        holder = f"it is claimed by {task.claimed_by}" if task.claimed_by else "nobody holds it"
        raise Refused(f"claim callback {task.id} before recording a call ({holder})")
