"""Route: customer, case (new or the one a reply belongs to), unit, priority, deadline, task."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from intake.app import App
from intake.customers import match_customer
from workflow.audit import record
from workflow.cases import add_task, case_replied_to, join_case, open_case
from workflow.models import Contact, TaskKind
from workflow.routing import ContactFacts, decide_route


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


def run(app: App, session: Session, contacts: Sequence[Contact]) -> None:
    org = app.organisation
    for contact in contacts:
        if contact.auto_submitted:
            # Auto-replies are kept on record but must not open work for people.
            record(session, "router", "contact", contact.id, "not routed", reason="auto-reply")
            continue
        customer = match_customer(session, contact)
        contact.customer_id = customer.id if customer else None
        decision = decide_route(facts_of(contact), org)
        case = case_replied_to(session, contact.in_reply_to)
        if case is not None:
            join_case(session, case, decision)
            unit = case.unit
        else:
            case = open_case(
                session,
                decision,
                customer_id=contact.customer_id,
                subject=contact.subject,
                opened_at=contact.received_at,
            )
            unit = decision.unit
        kind = TaskKind.TRIAGE if unit == org.triage_unit else TaskKind.ANSWER
        add_task(
            session,
            case,
            kind=kind,
            unit=unit,
            contact_id=contact.id,
            priority=decision.priority,
            due_at=decision.deadline_at,
            title=contact.subject or f"{contact.channel} contact {contact.id}",
        )
        contact.case_id = case.id
        record(session, "router", "contact", contact.id, "routed", case=case.reference, unit=unit)
