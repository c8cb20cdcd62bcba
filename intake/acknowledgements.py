"""The acknowledgement route step: one confirmation email per new email contact, into the outbox.

The message is written in the route stage's transaction, so it exists exactly when the case does;
`intake.outbox` sends it later. The guards below decide who gets none; each is one rule, in
order, and the first that objects names the reason (kept in the audit trail).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.acknowledgements_text import (
    ArticleLink,
    ack_body,
    ack_subject,
    language_of,
)
from intake.app import App
from intake.config_mail import SmtpSettings
from intake.routing_steps import Routing
from workflow.audit import record
from workflow.knowledge import excerpt, match_articles
from workflow.models import Contact, Customer, OutboxMessage, utcnow

ACK_KIND = "acknowledgement"
# References beyond this many add nothing for threading and only lengthen the header.
MAX_REFERENCES = 20

Guard = Callable[[App, Session, Contact], str | None]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower()


def our_domains(smtp: SmtpSettings) -> frozenset[str]:
    return frozenset(
        d for d in (_domain(smtp.from_address), smtp.resolved_message_id_domain.lower()) if d
    )


def _is_ours(message_id: str | None, smtp: SmtpSettings) -> bool:
    return bool(message_id) and _domain(message_id or "") == smtp.resolved_message_id_domain.lower()


def _not_noise(app: App, session: Session, contact: Contact) -> str | None:
    if contact.noise:
        return f"noise ({contact.noise})"
    return "sent by a machine (auto-reply headers)" if contact.auto_submitted else None


def _not_from_us(app: App, session: Session, contact: Contact) -> str | None:
    assert app.settings.smtp is not None
    if _domain(contact.sender_address or "") in our_domains(app.settings.smtp):
        return "sent from our own domain"
    return None


def _not_our_message_returning(app: App, session: Session, contact: Contact) -> str | None:
    smtp = app.settings.smtp
    assert smtp is not None
    if _is_ours(contact.message_id, smtp):
        return "carries our own Message-ID"
    if _is_ours(contact.in_reply_to, smtp):
        return "a reply to a message we sent (In-Reply-To)"
    return None


def _deliverable(app: App, session: Session, contact: Contact) -> str | None:
    marked = session.scalar(
        select(Customer.email_undeliverable_at).where(
            func.lower(Customer.email) == (contact.sender_address or "").lower(),
            Customer.email_undeliverable_at.is_not(None),
        )
    )
    return "the address is marked undeliverable" if marked is not None else None


def _not_acknowledged_yet(app: App, session: Session, contact: Contact) -> str | None:
    existing = session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.contact_id == contact.id, OutboxMessage.kind == ACK_KIND
        )
    )
    return "already acknowledged" if existing is not None else None


def _under_daily_cap(app: App, session: Session, contact: Contact) -> str | None:
    # A rolling 24 hours, so the cap cannot be doubled by writing around midnight.
    cap = app.settings.acknowledgements.daily_cap_per_address
    since = utcnow() - timedelta(days=1)
    sent = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.kind == ACK_KIND,
            OutboxMessage.to_address == (contact.sender_address or "").lower(),
            OutboxMessage.created_at >= since,
        )
    )
    if (sent or 0) >= cap:
        return f"daily cap of {cap} acknowledgements to this address reached"
    return None


GUARDS: tuple[Guard, ...] = (
    _not_noise,
    _not_from_us,
    _not_our_message_returning,
    _deliverable,
    _not_acknowledged_yet,
    _under_daily_cap,
)


def applies(app: App, contact: Contact) -> bool:
    """Whether acknowledging is in play at all; when not, nothing is recorded."""
    settings = app.settings
    return (
        settings.acknowledgements.enabled
        and settings.smtp is not None
        and contact.channel == "email"
        and bool(contact.sender_address)
    )


def refusal(app: App, session: Session, contact: Contact) -> str | None:
    """The first guard's objection, or None when the contact gets an acknowledgement."""
    for guard in GUARDS:
        reason = guard(app, session, contact)
        if reason is not None:
            return reason
    return None


def our_message_id(contact_id: int, smtp: SmtpSettings) -> str:
    # Short enough that the header is never folded; the contact id keeps it readable in logs.
    return f"<ack.{contact_id}.{secrets.token_hex(6)}@{smtp.resolved_message_id_domain}>"


def build_acknowledgement(app: App, routing: Routing) -> OutboxMessage:
    contact, case = routing.contact, routing.case
    smtp = app.settings.smtp
    assert case is not None and case.reference is not None and smtp is not None
    organisation = app.organisation
    language = language_of(contact.language)
    matches = match_articles(
        organisation.articles,
        topic=contact.topic,
        language=language,
        text=f"{contact.subject}\n{contact.text}",
        limit=app.settings.acknowledgements.max_articles,
    )
    deadline = case.deadline_at
    local_deadline = deadline.astimezone(ZoneInfo(organisation.timezone)) if deadline else None
    body = ack_body(
        language=language,
        reference=case.reference,
        sender_name=contact.sender_name,
        deadline=local_deadline,
        timezone=organisation.timezone,
        articles=[ArticleLink(m.article.title, excerpt(m.article)) for m in matches],
        organisation=smtp.from_name or organisation.name,
    )
    references = [*contact.references, *([contact.message_id] if contact.message_id else [])]
    return OutboxMessage(
        kind=ACK_KIND,
        contact_id=contact.id,
        case_id=case.id,
        to_address=(contact.sender_address or "").lower(),
        subject=ack_subject(case.reference, contact.subject, language),
        body_text=body,
        message_id=our_message_id(contact.id, smtp),
        in_reply_to=contact.message_id,
        references=list(dict.fromkeys(references))[-MAX_REFERENCES:],
        status="pending",
        attempts=0,
        created_at=utcnow(),
    )


def queue_acknowledgement(app: App, session: Session, routing: Routing) -> None:
    """Route step: put the contact's acknowledgement in the outbox, or record why there is none."""
    contact = routing.contact
    if routing.case is None or not applies(app, contact):
        return
    reason = refusal(app, session, contact)
    if reason is not None:
        record(session, "router", "contact", contact.id, "not acknowledged", reason=reason)
        return
    message = build_acknowledgement(app, routing)
    session.add(message)
    session.flush()
    record(
        session,
        "router",
        "outbox",
        message.id,
        "acknowledgement queued",
        to=message.to_address,
        case=routing.case.reference,
    )
