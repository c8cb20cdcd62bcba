"""The steps of the route stage, one small function each (listed in `intake.stages.route`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from intake.app import App
from intake.customers import match_customer
from workflow.audit import record
from workflow.cases import add_task, case_replied_to, join_case, open_case
from workflow.incidents import watch_for_incident
from workflow.models import Case, Contact, Customer, Task, TaskKind, utcnow
from workflow.overflow import place_task
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


def facts_of(contact: Contact, customer: Customer | None = None) -> ContactFacts:
    entities = tuple(
        (str(e.get("kind", "")), str(e.get("value") or e.get("text") or ""))
        for e in contact.entities or []
    )
    # The customer's address on file is surer than a postcode mentioned in the text.
    postcode = customer.postcode if customer and customer.postcode else None
    postcode = postcode or next((value for kind, value in entities if kind == "postcode"), None)
    return ContactFacts(
        topic=contact.topic,
        topic_score=contact.topic_score,
        sentiment=contact.sentiment,
        sentiment_score=contact.sentiment_score,
        channel=contact.channel,
        language=contact.language,
        received_at=contact.received_at,
        topic_threshold=(contact.scores or {}).get("topic_threshold"),
        customer_tier=customer.tier if customer else None,
        postcode=postcode,
        region=contact.region,
        product=contact.product,
        entities=entities,
        text=f"{contact.subject or ''}\n{contact.text or ''}",
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
    contact = routing.contact
    routing.decision = decide_route(facts_of(contact, routing.customer), app.organisation)
    contact.region = contact.region or routing.decision.region


def join_or_open_case(app: App, session: Session, routing: Routing) -> None:
    """A reply joins its case (reopened if answered or closed); anything else opens one."""
    contact, decision = routing.contact, routing.decision
    assert decision is not None
    match = case_replied_to(session, thread_message_ids(contact), contact.subject)
    case = match.case
    if case is not None:
        join_case(session, case, decision)
        case.routing_trail = [*case.routing_trail, f"reply joined the case by {match.found_by}"]
        routing.joined_existing_case = True
    else:
        case = open_case(
            session,
            decision,
            customer_id=contact.customer_id,
            subject=contact.subject,
            opened_at=contact.received_at,
        )
        if match.note:
            case.routing_trail = [*case.routing_trail, f"{match.note}: a new case was opened"]
    routing.case = case
    contact.case_id = case.id


def thread_message_ids(contact: Contact) -> list[str]:
    """The messages a contact answers, most telling first: In-Reply-To, then References from
    the newest (listed last) to the oldest."""
    return [
        message_id
        for message_id in (contact.in_reply_to, *reversed(contact.references or []))
        if message_id
    ]


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


def prioritise_and_place(app: App, session: Session, routing: Routing) -> None:
    """What routing decided beyond the unit goes on the case and task; a new case may join or
    open an incident; a task its unit would finish too late moves to the backup unit."""
    decision, case, task = routing.decision, routing.case, routing.task
    assert decision is not None and case is not None and task is not None
    case.product = case.product or decision.product
    case.region = case.region or decision.region
    case.tags = sorted({*case.tags, *decision.tags})
    if decision.resolution_at is not None:
        task.payload = {**task.payload, "resolution_due_at": decision.resolution_at.isoformat()}
    organisation = app.organisation
    if not routing.joined_existing_case:
        watch_for_incident(session, organisation, case)
    move = place_task(session, organisation, task, utcnow())
    if move is not None:
        case.routing_trail = [*case.routing_trail, f"overflow to {move.to_unit}: {move.reason}"]


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
