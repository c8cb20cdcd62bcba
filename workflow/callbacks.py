"""Callbacks: after a line unit has answered, the call centre phones the customer back.

The callback task lands in the organisation's callback unit, due a number of business hours
after the answer, and its payload links everything the agent needs: the contact, the scanned
letters and emails of the case (document ids), and the answer. Each call is a
`CallbackAttempt`; no answer schedules the next try, until the maximum, then the case closes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.archive import close_case
from workflow.audit import record
from workflow.business_time import business_calendar
from workflow.models import (
    Answer,
    CallbackAttempt,
    Case,
    Contact,
    Document,
    Task,
    TaskKind,
    TaskStatus,
)
from workflow.org_models import Organisation
from workflow.tasks import TaskError


class CallOutcome(enum.StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"


@dataclass(frozen=True)
class CallbackPolicy:
    due_business_hours: float = 8.0
    # Business hours to wait before the next call after no answer, one entry per retry; the
    # last entry repeats when there are more retries than entries.
    retry_hours: tuple[float, ...] = (2.0, 4.0, 24.0)
    max_attempts: int = 3


@dataclass(frozen=True)
class CallbackResult:
    task_id: int
    attempt: int
    outcome: CallOutcome
    next_due_at: datetime | None
    case_closed: bool


def parse_retry_hours(text: str) -> tuple[float, ...]:
    """ "2,4,24" -> (2.0, 4.0, 24.0); a clear error for anything else."""
    try:
        hours = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError(
            f"callback retry hours {text!r}: expected numbers separated by commas"
        ) from None
    if not hours or any(h < 0 for h in hours):
        raise ValueError(f"callback retry hours {text!r}: expected at least one number >= 0")
    return hours


def schedule_callback(
    session: Session,
    org: Organisation,
    case: Case,
    answer: Answer,
    contact: Contact | None,
    now: datetime,
    policy: CallbackPolicy,
    actor: str,
) -> Task | None:
    """Add the callback task for an answered case; None when one is already waiting."""
    waiting = session.scalar(
        select(Task.id).where(
            Task.case_id == case.id,
            Task.kind == TaskKind.CALLBACK,
            Task.status.in_([TaskStatus.OPEN, TaskStatus.CLAIMED]),
        )
    )
    if waiting is not None:
        return None
    unit = org.unit(org.callback_unit)
    due_at = business_calendar(org.calendar(unit.calendar)).add_business_hours(
        now, policy.due_business_hours
    )
    task = Task(
        case_id=case.id,
        # The contact link lives in the payload: the (contact, kind) pair is unique per task
        # kind, and a case answered twice on one contact gets a second callback.
        contact_id=None,
        unit=unit.code,
        kind=TaskKind.CALLBACK,
        priority=case.priority,
        due_at=due_at,
        title=f"Call back about {case.reference}: {case.subject}"[:1000],
        payload=_links(session, case, answer, contact),
        created_at=now,
    )
    session.add(task)
    session.flush()
    record(
        session,
        actor,
        "task",
        task.id,
        "created",
        kind=TaskKind.CALLBACK,
        unit=unit.code,
        case=case.reference,
        due_at=due_at,
    )
    return task


def record_outcome(
    session: Session,
    org: Organisation,
    task_id: int,
    agent: str,
    outcome: CallOutcome,
    now: datetime,
    policy: CallbackPolicy,
    note: str = "",
) -> CallbackResult:
    """Record one call; schedule the next try, or finish the callback and close the case."""
    task = session.get(Task, task_id, populate_existing=True)
    if task is None or task.kind != TaskKind.CALLBACK:
        raise TaskError(f"task {task_id} is not a callback task")
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise TaskError(f"callback task {task_id} is already {task.status}")
    if task.status == TaskStatus.CLAIMED and task.claimed_by not in (None, agent):
        raise TaskError(f"callback task {task_id} is claimed by {task.claimed_by}")
    attempt = _calls_so_far(session, task.id) + 1
    session.add(
        CallbackAttempt(task_id=task.id, agent=agent, outcome=outcome, note=note, created_at=now)
    )
    record(session, agent, "task", task.id, "callback attempt", outcome=outcome, attempt=attempt)
    if outcome is CallOutcome.NO_ANSWER and attempt < policy.max_attempts:
        wait = policy.retry_hours[min(attempt, len(policy.retry_hours)) - 1]
        unit = org.unit(task.unit)
        task.due_at = business_calendar(org.calendar(unit.calendar)).add_business_hours(now, wait)
        task.status, task.claimed_by, task.lease_expires_at = TaskStatus.OPEN, None, None
        record(session, agent, "task", task.id, "callback retry scheduled", due_at=task.due_at)
        return CallbackResult(task.id, attempt, outcome, task.due_at, False)
    task.status, task.completed_at, task.lease_expires_at = TaskStatus.DONE, now, None
    task.claimed_by = agent
    case = session.get_one(Case, task.case_id)
    reason = _closing_reason(outcome, attempt)
    close_case(session, case, agent, now, reason)
    return CallbackResult(task.id, attempt, outcome, None, True)


def _calls_so_far(session: Session, task_id: int) -> int:
    count = session.scalar(
        select(func.count()).select_from(CallbackAttempt).where(CallbackAttempt.task_id == task_id)
    )
    return count or 0


def _closing_reason(outcome: CallOutcome, attempt: int) -> str:
    if outcome is CallOutcome.REACHED:
        return f"callback: customer reached on call {attempt}"
    if outcome is CallOutcome.WRONG_NUMBER:
        return f"callback: wrong number on call {attempt}"
    return f"callback: no answer after {attempt} calls, the maximum"


def _links(session: Session, case: Case, answer: Answer, contact: Contact | None) -> dict[str, Any]:
    documents = session.execute(
        select(Document.id, Document.contact_id, Document.role, Document.filename)
        .join(Contact, Contact.id == Document.contact_id)
        .where(Contact.case_id == case.id)
        .order_by(Document.id)
    ).all()
    return {
        "case": case.reference,
        "customer_id": case.customer_id,
        "contact_id": contact.id if contact is not None else None,
        "answer_id": answer.id,
        "answer_channel": answer.channel,
        "documents": [
            {"id": d.id, "contact_id": d.contact_id, "role": d.role, "filename": d.filename}
            for d in documents
        ],
    }
