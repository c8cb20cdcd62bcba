"""The steps of the route stage, one small function each (listed in `intake.stages.route`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from intake.app import App
from intake.customers import match_customer
from workflow.audit import record
from workflow.cases import add_task, case_replied_to, join_case, open_case
from workflow.models import Case, Contact, Customer, Task, TaskKind
from workflow.routing import ContactFacts, RoutingDecision, decide_route


@dataclass
class Routing:
    """What the steps have worked out so far for one contact."""

    contact: Contact
    customer: Customer | None = None
    decision: RoutingDecision | None = None
    case: Case | None = None
    joined_existing_case: bool = False
    task: Task | None = None
    notes: list[str] = field(default_factory=list)
    done: bool = False


def facts_of(contact: Contact) -> ContactFacts:
    return ContactFacts(
        topic=contact.topic,
        topic_score=contact.topic_score,
        sentiment=contact.sentiment,
        sentiment_score=contact.sentiment_score,
        channel=contact.channel,
        language=contact.language,
        received_at=contact.received_at,
    )


def skip_noise(app: App, session: Session, routing: Routing) -> None:
    """Auto-replies and delivery reports are kept on record but open no work for people."""
    contact = routing.contact
    if contact.noise:
        record(session, "router", "contact", contact.id, "not routed", reason=contact.noise)
        routing.done = True


def find_customer(app: App, session: Session, routing: Routing) -> None:
    routing.customer = match_customer(session, routing.contact)
    routing.contact.customer_id = routing.customer.id if routing.customer else None


def decide(app: App, session: Session, routing: Routing) -> None:
    routing.decision = decide_route(facts_of(routing.contact), app.organisation)


def join_or_open_case(app: App, session: Session, routing: Routing) -> None:
    contact, decision = routing.contact, routing.decision
    assert decision is not None
    case = case_replied_to(session, contact.in_reply_to)
    if case is not None:
        join_case(session, case, decision)
        routing.joined_existing_case = True
    else:
        case = open_case(
            session,
            decision,
            customer_id=contact.customer_id,
            subject=contact.subject,
            opened_at=contact.received_at,
        )
    routing.case = case
    contact.case_id = case.id


def add_work_task(app: App, session: Session, routing: Routing) -> None:
    contact, decision, case = routing.contact, routing.decision, routing.case
    assert decision is not None and case is not None
    # A reply stays with the unit that already has the case.
    unit = case.unit if routing.joined_existing_case else decision.unit
    kind = TaskKind.TRIAGE if unit == app.organisation.triage_unit else TaskKind.ANSWER
    routing.task = add_task(
        session,
        case,
        kind=kind,
        unit=unit,
        contact_id=contact.id,
        priority=decision.priority,
        due_at=decision.deadline_at,
        title=contact.subject or f"{contact.channel} contact {contact.id}",
    )


def record_routed(app: App, session: Session, routing: Routing) -> None:
    assert routing.case is not None and routing.task is not None
    record(
        session,
        "router",
        "contact",
        routing.contact.id,
        "routed",
        case=routing.case.reference,
        unit=routing.task.unit,
    )
