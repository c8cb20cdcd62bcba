"""The steps of the route stage, one small function each (listed in `intake.stages.route`):
steps for one contact take `(app, session, routing)`, steps for the batch
`(app, session, batch)`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from intake.app import App
from intake.customers import match_customer
from workflow.audit import AuditRows, record
from workflow.batch_writer import Work, write_batch
from workflow.cases import case_replied_to, join_case, plan_case, plan_task
from workflow.models import Case, Contact, Customer, Task, TaskKind, utcnow
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


def join_or_plan_case(app: App, session: Session, routing: Routing) -> None:
    """A reply joins its case (reopened if answered or closed); anything else plans a new one,
    which the batch writer inserts with the others of the batch."""
    contact, decision = routing.contact, routing.decision
    assert decision is not None
    match = case_replied_to(session, thread_message_ids(contact), contact.subject)
    case = match.case
    if case is not None:
        join_case(session, case, decision)
        case.routing_trail = [*case.routing_trail, f"reply joined the case by {match.found_by}"]
        routing.joined_existing_case = True
        contact.case_id = case.id
    else:
        case = plan_case(
            decision,
            customer_id=contact.customer_id,
            subject=contact.subject,
            opened_at=contact.received_at,
        )
        if match.note:
            case.routing_trail = [*case.routing_trail, f"{match.note}: a new case was opened"]
    routing.case = case


def thread_message_ids(contact: Contact) -> list[str]:
    """The messages a contact answers, most telling first: In-Reply-To, then References from
    the newest (listed last) to the oldest."""
    return [
        message_id
        for message_id in (contact.in_reply_to, *reversed(contact.references or []))
        if message_id
    ]


def plan_work_task(app: App, session: Session, routing: Routing) -> None:
    contact, decision, case = routing.contact, routing.decision, routing.case
    assert decision is not None and case is not None
    # A reply stays with the unit that already has the case.
    unit = case.unit if routing.joined_existing_case else decision.unit
    kind = TaskKind.TRIAGE if unit == app.organisation.triage_unit else TaskKind.ANSWER
    routing.task = plan_task(
        case.id,
        kind=kind,
        unit=unit,
        contact_id=contact.id,
        priority=decision.priority,
        due_at=decision.deadline_at,
        title=contact.subject or f"{contact.channel} contact {contact.id}",
    )


def prioritise(app: App, session: Session, routing: Routing) -> None:
    """What routing decided beyond the unit goes on the case and task (the incident check and
    the overflow placement run on the whole batch, in `write_routed`)."""
    decision, case, task = routing.decision, routing.case, routing.task
    assert decision is not None and case is not None and task is not None
    case.product = case.product or decision.product
    case.region = case.region or decision.region
    case.tags = sorted({*case.tags, *decision.tags})
    if decision.resolution_at is not None:
        task.payload = {**task.payload, "resolution_due_at": decision.resolution_at.isoformat()}


def replies_within(routing: Routing, batch: Sequence[Routing]) -> bool:
    """True when the contact answers a message of a contact planned in `batch` but not written
    yet: that case must be written first for the reply to find it."""
    planned = {r.contact.message_id for r in batch if r.contact.message_id}
    return any(message_id in planned for message_id in thread_message_ids(routing.contact))


def write_routed(app: App, session: Session, batch: Sequence[Routing]) -> None:
    """Write the batch's cases and tasks at once, with the incident check and the overflow
    placement (`workflow.batch_writer`)."""
    routed = [r for r in batch if not r.done]
    work: list[Work] = []
    for routing in routed:
        assert routing.case is not None and routing.task is not None
        work.append(Work(routing.case, routing.task, new_case=not routing.joined_existing_case))
    write_batch(session, app.organisation, work, utcnow())
    for routing in routed:
        assert routing.case is not None
        routing.contact.case_id = routing.case.id


def record_routed(app: App, session: Session, batch: Sequence[Routing]) -> None:
    """The "routed" audit event of each contact of the batch, in one INSERT."""
    audit = AuditRows()
    for routing in batch:
        if routing.done:
            continue
        assert routing.case is not None and routing.task is not None
        audit.add(
            "router",
            "contact",
            routing.contact.id,
            "routed",
            case=routing.case.reference,
            unit=routing.task.unit,
        )
    audit.write(session)
