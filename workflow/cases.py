"""Opening cases and adding tasks to them, as the route stage and people do."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.models import (
    Case,
    CaseStatus,
    Contact,
    OutboxMessage,
    Task,
    TaskKind,
    TaskStatus,
    utcnow,
)
from workflow.orm_rows import planned
from workflow.routing import RoutingDecision

# "[C-000123]" as we write it in subjects; mail clients may change the case of the letter.
_SUBJECT_REFERENCE = re.compile(r"\[\s*C-(\d{1,12})\s*\]", re.IGNORECASE)


def case_reference(case_id: int) -> str:
    return f"C-{case_id:06d}"


def plan_case(
    decision: RoutingDecision, *, customer_id: int | None, subject: str, opened_at: datetime
) -> Case:
    """A new case as routing decided it, not yet in any session (see `open_case` and
    `workflow.batch_writer`). Built without the ORM's attribute events (`orm_rows.planned`):
    the route stage plans one for every contact."""
    return planned(
        Case,
        customer_id=customer_id,
        unit=decision.unit,
        topic=decision.topic,
        subject=subject[:1000],
        status=CaseStatus.OPEN,
        priority=decision.priority,
        opened_at=opened_at,
        deadline_at=decision.deadline_at,
        routing_trail=list(decision.trail),
        # Set here rather than after the insert: one UPDATE fewer per contact.
        product=decision.product,
        region=decision.region,
        tags=sorted(set(decision.tags)),
    )


def open_case(
    session: Session,
    decision: RoutingDecision,
    *,
    customer_id: int | None,
    subject: str,
    opened_at: datetime,
    actor: str = "router",
) -> Case:
    case = plan_case(decision, customer_id=customer_id, subject=subject, opened_at=opened_at)
    session.add(case)
    session.flush()
    case.reference = case_reference(case.id)
    record(session, actor, "case", case.reference, "opened", unit=case.unit, topic=case.topic)
    return case


@dataclass(frozen=True)
class ThreadMatch:
    """The case a reply belongs to and how it was found; `note` says why none was (for the
    trail), e.g. a subject naming a case that does not exist."""

    case: Case | None
    found_by: str = ""
    note: str = ""


def case_replied_to(session: Session, message_ids: Sequence[str], subject: str) -> ThreadMatch:
    """The case of a reply: by the messages it answers (`message_ids` in order of preference:
    In-Reply-To, then References newest first), else by a `[C-000123]` in the subject."""
    wanted = [message_id for message_id in dict.fromkeys(message_ids) if message_id]
    cases = _cases_of_messages(session, wanted)
    for message_id in wanted:
        if message_id in cases:
            return ThreadMatch(session.get(Case, cases[message_id]), f"message {message_id}")
    reference = subject_case_reference(subject)
    if reference is None:
        return ThreadMatch(None)
    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        return ThreadMatch(None, note=f"subject names case {reference}, which does not exist")
    return ThreadMatch(case, f"subject reference [{reference}]")


def subject_case_reference(subject: str) -> str | None:
    """The case reference written in a subject as "[C-000123]", normalised to "C-000123"."""
    match = _SUBJECT_REFERENCE.search(subject or "")
    return case_reference(int(match.group(1))) if match else None


def _cases_of_messages(session: Session, message_ids: list[str]) -> dict[str, int]:
    """Message-ID -> case id, for the contacts we received and the mail we sent."""
    if not message_ids:
        return {}
    found: dict[str, int] = {}
    for model in (Contact, OutboxMessage):
        rows = session.execute(
            select(model.message_id, model.case_id).where(
                model.message_id.in_(message_ids), model.case_id.is_not(None)
            )
        )
        for message_id, case_id in rows:
            found.setdefault(message_id, case_id)
    return found


def join_case(
    session: Session, case: Case, decision: RoutingDecision, actor: str = "router"
) -> None:
    """A follow-up contact: the case reopens if it was answered or closed, and its clock resets
    to the earlier of the two deadlines."""
    if case.status != CaseStatus.OPEN:
        case.status = CaseStatus.OPEN
        case.closed_at = None
        record(session, actor, "case", case.reference, "reopened")
    if case.deadline_at is None or decision.deadline_at < case.deadline_at:
        case.deadline_at = decision.deadline_at
    case.priority = min(case.priority, decision.priority)
    case.routing_trail = [*case.routing_trail, *decision.trail]


def plan_task(
    case_id: int | None,
    *,
    kind: TaskKind,
    unit: str,
    contact_id: int | None,
    priority: int,
    due_at: datetime | None,
    title: str,
) -> Task:
    """A new open task, not yet in any session; `case_id` may follow once its case is written
    (see `workflow.batch_writer`). Built as `plan_case` is."""
    return planned(
        Task,
        case_id=case_id,
        contact_id=contact_id,
        unit=unit,
        kind=kind,
        status=TaskStatus.OPEN,
        priority=priority,
        due_at=due_at,
        title=title[:1000],
        payload={},
        created_at=utcnow(),
    )


def add_task(
    session: Session,
    case: Case,
    *,
    kind: TaskKind,
    unit: str,
    contact_id: int | None,
    priority: int,
    due_at: datetime | None,
    title: str,
    actor: str = "router",
) -> Task:
    task = plan_task(
        case.id,
        kind=kind,
        unit=unit,
        contact_id=contact_id,
        priority=priority,
        due_at=due_at,
        title=title,
    )
    session.add(task)
    session.flush()
    record(session, actor, "task", task.id, "created", kind=kind, unit=unit, case=case.reference)
    return task
