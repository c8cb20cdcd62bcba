"""The verification queue: form fields OCR was not sure of, one at a time, for a person to accept
or correct. The decision itself is `intake.verification.verify_field`, the same as
`intake verify field`: the last field of a contact closes its verification task.

Showing a field claims it for the person (`workflow.field_claims`, a lease like a task's), so two
people working the queue never get the same field; answering or skipping gives it back, and so
does the lease running out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.app import App
from intake.services.errors import NotFound, Refused
from intake.services.mailroom import fields_waiting, require_mailroom
from intake.services.principal import Principal
from intake.verification import VerificationError, Verified, verify_field
from workflow.db import unit_of_work
from workflow.field_claims import (
    FieldClaimOutcome,
    FieldHold,
    claim_field,
    claim_next_field,
    release_field,
)
from workflow.models import Contact, ContactField, FieldStatus, utcnow

# Suggestions reachable with the keys 1-9.
MAX_SUGGESTIONS = 9

_WAITING = ContactField.status == FieldStatus.NEEDS_VERIFICATION


@dataclass(frozen=True)
class FieldToVerify:
    id: int
    contact_id: int
    form: str | None
    name: str
    kind: str
    value: str
    read_value: str
    confidence: float
    problem: str
    suggestions: tuple[str, ...]
    has_crop: bool
    page: int

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class VerificationQueue:
    """How much waits, and the field to look at now (None when nothing is free for the asker).

    `held` is set when the field asked for by its address is someone else's now: the page
    shows it with who holds it, and offers no answer."""

    waiting: int
    contacts_waiting: int
    field: FieldToVerify | None
    # Fields read less surely than this wait here (setting field_confidence_threshold).
    threshold: float
    # Waiting fields other people are looking at now.
    held_by_others: int = 0
    held: FieldHold | None = None
    # Until when the asker holds `field` (None when `held` is set or nothing was free).
    claimed_until: datetime | None = None


@dataclass(frozen=True)
class FieldCrop:
    field_id: int
    png: bytes


def next_in_queue(app: App, principal: Principal, after: int | None = None) -> VerificationQueue:
    """Claim the first free waiting field after field `after` (in contact order, then field
    order), coming round to the start of the queue: skipping a field gives it back and puts it at
    the back, not out of sight. Without `after`, the field the person holds comes first."""
    require_mailroom(principal)
    now = utcnow()
    with unit_of_work(app.sessions) as session:
        hold = claim_next_field(session, principal.actor, now, after=after)
        field = session.get(ContactField, hold.field_id) if hold else None
        return _queue(app, session, principal, now, field, claimed=hold)


def field_at(app: App, principal: Principal, field_id: int) -> VerificationQueue:
    """One field reached by its address: claimed for the person when free, else shown with who
    holds it. A field no longer waiting leads on to the next one."""
    require_mailroom(principal)
    now = utcnow()
    with unit_of_work(app.sessions) as session:
        claim = claim_field(session, field_id, principal.actor, now)
        if claim.outcome is FieldClaimOutcome.NOT_WAITING:
            if session.get(ContactField, field_id) is None:
                raise NotFound(f"no form field {field_id}")
            hold = claim_next_field(session, principal.actor, now, after=field_id)
            field = session.get(ContactField, hold.field_id) if hold else None
            return _queue(app, session, principal, now, field, claimed=hold)
        field = session.get_one(ContactField, field_id)
        if claim.outcome is FieldClaimOutcome.HELD:
            return _queue(app, session, principal, now, field, held=claim.hold)
        return _queue(app, session, principal, now, field, claimed=claim.hold)


def release(app: App, principal: Principal, field_id: int) -> bool:
    """Give a field the person holds back to the queue (leaving the station, say)."""
    require_mailroom(principal)
    with unit_of_work(app.sessions) as session:
        return release_field(session, field_id, principal.actor)


def _queue(
    app: App,
    session: Session,
    principal: Principal,
    now: datetime,
    field: ContactField | None,
    *,
    claimed: FieldHold | None = None,
    held: FieldHold | None = None,
) -> VerificationQueue:
    contacts = session.scalar(
        select(func.count(func.distinct(ContactField.contact_id))).where(_WAITING)
    )
    others = session.scalar(
        select(func.count())
        .select_from(ContactField)
        .where(
            _WAITING,
            ContactField.claimed_by != principal.actor,
            ContactField.lease_expires_at >= now,
        )
    )
    return VerificationQueue(
        waiting=fields_waiting(session),
        contacts_waiting=contacts or 0,
        field=_view(session, field) if field else None,
        threshold=app.settings.field_confidence_threshold,
        held_by_others=others or 0,
        held=held,
        claimed_until=claimed.until if claimed else None,
    )


def _view(session: Session, field: ContactField) -> FieldToVerify:
    contact = session.get_one(Contact, field.contact_id)
    return FieldToVerify(
        id=field.id,
        contact_id=field.contact_id,
        form=contact.form,
        name=field.name,
        kind=field.kind,
        value=field.value,
        read_value=field.read_value,
        confidence=field.confidence,
        problem=field.problem,
        suggestions=tuple(s for s in field.suggestions if s != field.value)[:MAX_SUGGESTIONS],
        has_crop=field.crop_sha256 is not None,
        page=field.page,
    )


def verify(app: App, principal: Principal, field_id: int, value: str | None) -> Verified:
    """Accept the value read (`value` None) or store the person's correction."""
    require_mailroom(principal)
    try:
        with unit_of_work(app.sessions) as session:
            if session.get(ContactField, field_id) is None:
                raise NotFound(f"no form field {field_id}")
            return verify_field(session, field_id, value, principal.actor)
    except VerificationError as error:
        raise Refused(str(error)) from None


def field_crop(app: App, principal: Principal, field_id: int) -> FieldCrop:
    """The image of the field as scanned (a PNG cut from the page by the form reader)."""
    require_mailroom(principal)
    with app.sessions() as session:
        field = session.get(ContactField, field_id)
        if field is None:
            raise NotFound(f"no form field {field_id}")
        sha, name = field.crop_sha256, field.name
    if sha is None or not app.blobs.exists(sha):
        raise NotFound(f"form field {field_id} ({name}) has no image crop")
    return FieldCrop(field_id, app.blobs.get(sha))
