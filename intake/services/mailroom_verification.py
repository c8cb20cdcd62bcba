"""The verification queue: form fields OCR was not sure of, one at a time, for a person to accept
or correct. The decision itself is `intake.verification.verify_field`, the same as
`intake verify field`: the last field of a contact closes its verification task."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from intake.app import App
from intake.services.errors import NotFound, Refused
from intake.services.mailroom import fields_waiting, require_mailroom
from intake.services.principal import Principal
from intake.verification import VerificationError, Verified, verify_field
from workflow.db import unit_of_work
from workflow.models import Contact, ContactField, FieldStatus

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
    """How much waits, and the field to look at now (None when nothing waits)."""

    waiting: int
    contacts_waiting: int
    field: FieldToVerify | None
    # Fields read less surely than this wait here (setting field_confidence_threshold).
    threshold: float


@dataclass(frozen=True)
class FieldCrop:
    field_id: int
    png: bytes


def next_in_queue(app: App, principal: Principal, after: int | None = None) -> VerificationQueue:
    """The first waiting field after field `after` (in contact order, then field order), coming
    round to the start of the queue: skipping a field puts it at the back, not out of sight."""
    require_mailroom(principal)
    with app.sessions() as session:
        field = _next_field(session, after)
        contacts = session.scalar(
            select(func.count(func.distinct(ContactField.contact_id))).where(_WAITING)
        )
        return VerificationQueue(
            waiting=fields_waiting(session),
            contacts_waiting=contacts or 0,
            field=_view(session, field) if field else None,
            threshold=app.settings.field_confidence_threshold,
        )


def _next_field(session: Session, after: int | None) -> ContactField | None:
    ordered = (
        select(ContactField).where(_WAITING).order_by(ContactField.contact_id, ContactField.id)
    )
    previous = session.get(ContactField, after) if after is not None else None
    if previous is not None:
        later = or_(
            ContactField.contact_id > previous.contact_id,
            and_(ContactField.contact_id == previous.contact_id, ContactField.id > previous.id),
        )
        field = session.scalars(ordered.where(later).limit(1)).first()
        if field is not None:
            return field
    return session.scalars(ordered.limit(1)).first()


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
