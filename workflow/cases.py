"""Opening cases and adding tasks to them, as the route stage and people do."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.models import Case, CaseStatus, Contact, Task, TaskKind, utcnow
from workflow.routing import RoutingDecision


def case_reference(case_id: int) -> str:
    return f"C-{case_id:06d}"


def open_case(
    session: Session,
    decision: RoutingDecision,
    *,
    customer_id: int | None,
    subject: str,
    opened_at: datetime,
    actor: str = "router",
) -> Case:
    case = Case(
        customer_id=customer_id,
        unit=decision.unit,
        topic=decision.topic,
        subject=subject[:1000],
        priority=decision.priority,
        opened_at=opened_at,
        deadline_at=decision.deadline_at,
        routing_trail=list(decision.trail),
    )
    session.add(case)
    session.flush()
    case.reference = case_reference(case.id)
    record(session, actor, "case", case.reference, "opened", unit=case.unit, topic=case.topic)
    return case


def case_replied_to(session: Session, in_reply_to: str | None) -> Case | None:
    """The case of the message this one answers, if we know that message."""
    if not in_reply_to:
        return None
    case_id = session.scalar(
        select(Contact.case_id)
        .where(Contact.message_id == in_reply_to, Contact.case_id.is_not(None))
        .limit(1)
    )
    return session.get(Case, case_id) if case_id is not None else None


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
    task = Task(
        case_id=case.id,
        contact_id=contact_id,
        unit=unit,
        kind=kind,
        priority=priority,
        due_at=due_at,
        title=title[:1000],
        created_at=utcnow(),
    )
    session.add(task)
    session.flush()
    record(session, actor, "task", task.id, "created", kind=kind, unit=unit, case=case.reference)
    return task
