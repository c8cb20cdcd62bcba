"""The quarantine: contacts the pipeline could not process, with the reason a person can read,
and their release back into the flow (exactly what `intake quarantine release` does).
Supervisors may look; only administrators retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intake import pipeline
from intake.app import App
from intake.services.admin import require_admin, require_reader
from intake.services.principal import Principal
from workflow.models import Contact, ContactStatus, DocumentRole


@dataclass(frozen=True)
class Original:
    document_id: int
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True)
class QuarantinedContact:
    contact_id: int
    reason: str
    channel: str
    source: str
    stage: str
    received_at: datetime
    quarantined_at: datetime | None
    attempts: int
    originals: tuple[Original, ...]


@dataclass(frozen=True)
class RetryReport:
    released: tuple[int, ...]
    # Ids that were not (or no longer) in quarantine, e.g. retried by someone else meanwhile.
    skipped: tuple[int, ...]

    @property
    def summary(self) -> str:
        parts = []
        if self.released:
            ids = ", ".join(str(i) for i in self.released)
            parts.append(f"Back in the pipeline: contact {ids}.")
        if self.skipped:
            ids = ", ".join(str(i) for i in self.skipped)
            parts.append(f"Not in quarantine (any more): {ids}.")
        return " ".join(parts) or "Nothing was selected."


def quarantined(app: App, principal: Principal) -> tuple[QuarantinedContact, ...]:
    """Oldest first: the longest wait is the first to look at."""
    require_reader(principal)
    with app.sessions() as session:
        contacts = session.scalars(
            select(Contact)
            .where(Contact.status == ContactStatus.QUARANTINED)
            .options(selectinload(Contact.documents))
            .order_by(Contact.quarantined_at, Contact.id)
        ).all()
        return tuple(_entry(contact) for contact in contacts)


def _entry(contact: Contact) -> QuarantinedContact:
    return QuarantinedContact(
        contact_id=contact.id,
        reason=contact.quarantine_reason or contact.last_error or "",
        channel=contact.channel,
        source=contact.source,
        stage=contact.stage,
        received_at=contact.received_at,
        quarantined_at=contact.quarantined_at,
        attempts=contact.attempts,
        originals=tuple(
            Original(d.id, d.filename or f"document-{d.id}", d.media_type, d.size)
            for d in contact.documents
            if d.role == DocumentRole.ORIGINAL
        ),
    )


def retry(app: App, principal: Principal, contact_ids: list[int]) -> RetryReport:
    """Put the contacts back in the flow at the stage where they failed, with fresh attempts;
    the pipeline takes them on its next pass."""
    require_admin(principal)
    released, skipped = [], []
    for contact_id in dict.fromkeys(contact_ids):
        done = pipeline.release(app, contact_id, actor=principal.actor)
        (released if done else skipped).append(contact_id)
    return RetryReport(tuple(released), tuple(skipped))
