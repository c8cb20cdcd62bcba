"""Claims on form fields waiting for verification, so two people never type the same field.

Taking the next field of the queue is a claim with a lease, the same pattern as tasks
(`workflow.tasks`): the person holds the field until `lease_expires_at`; answering or skipping it
gives it back, and a lease that runs out returns it to the queue by itself (a field whose lease
has ended counts as free, no clock needed). On PostgreSQL the candidate row is locked with
`FOR UPDATE SKIP LOCKED`, so people asking at once get different fields; SQLite takes its write
lock up front (`BEGIN IMMEDIATE`). The claim itself is a conditional UPDATE checked by its row
count. A person holds one field at a time: taking another gives the previous one back.

These functions work inside the caller's transaction and never commit; call a claim first in
its transaction, so SQLite's lock is taken before anything is read.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.orm import Session

from workflow.models import ContactField, FieldStatus
from workflow.tasks import lock_for_claim

# Long enough to read a crop and type a value, short enough that a field left on a screen
# when its reader walked away comes back to the queue soon.
FIELD_LEASE = timedelta(minutes=10)

_WAITING = ContactField.status == FieldStatus.NEEDS_VERIFICATION


class FieldClaimOutcome(enum.StrEnum):
    CLAIMED = "claimed"
    HELD = "held by someone else"
    NOT_WAITING = "not waiting for verification"


@dataclass(frozen=True)
class FieldHold:
    """Who holds a field and until when."""

    field_id: int
    holder: str
    until: datetime


@dataclass(frozen=True)
class FieldClaim:
    outcome: FieldClaimOutcome
    field_id: int
    # The claimant's lease when CLAIMED, the other person's when HELD.
    hold: FieldHold | None = None


def _free_for(holder: str, now: datetime) -> ColumnElement[bool]:
    return or_(
        ContactField.claimed_by.is_(None),
        ContactField.lease_expires_at < now,
        ContactField.claimed_by == holder,
    )


def hold_of(field: ContactField, now: datetime) -> FieldHold | None:
    """The running claim on `field`, if any."""
    if field.claimed_by is None or field.lease_expires_at is None:
        return None
    if field.lease_expires_at < now:
        return None
    return FieldHold(field.id, field.claimed_by, field.lease_expires_at)


def claim_next_field(
    session: Session,
    holder: str,
    now: datetime,
    *,
    after: int | None = None,
    lease: timedelta = FIELD_LEASE,
) -> FieldHold | None:
    """Claim the first free waiting field after field `after` (contact order, then field
    order), coming round to the start; None when every waiting field is held by others.

    Without `after` the field the holder already has comes first, so reloading the page shows
    the same field. With `after` that field is given back (skipped or answered)."""
    lock_for_claim(session)
    if after is not None:
        release_field(session, after, holder)
    elif (kept := _held_by(session, holder, now)) is not None:
        return _take(session, kept, holder, now, lease)
    previous = session.get(ContactField, after) if after is not None else None
    for later in _orders(previous):
        # A claim lost to a concurrent one (possible on SQLite only without the lock) is retried.
        for _ in range(3):
            field_id = session.scalar(_candidate(session, holder, now, later))
            if field_id is None:
                break
            taken = _take(session, field_id, holder, now, lease)
            if taken is not None:
                return taken
    return None


def claim_field(
    session: Session,
    field_id: int,
    holder: str,
    now: datetime,
    *,
    lease: timedelta = FIELD_LEASE,
) -> FieldClaim:
    """Claim one given field (reached by its address): free, expired, or already the holder's."""
    lock_for_claim(session)
    field = session.get(ContactField, field_id)
    if field is None or field.status != FieldStatus.NEEDS_VERIFICATION:
        return FieldClaim(FieldClaimOutcome.NOT_WAITING, field_id)
    taken = _take(session, field_id, holder, now, lease)
    if taken is None:
        session.refresh(field)
        return FieldClaim(FieldClaimOutcome.HELD, field_id, hold_of(field, now))
    return FieldClaim(FieldClaimOutcome.CLAIMED, field_id, taken)


def release_field(session: Session, field_id: int, holder: str) -> bool:
    """Give a field back to the queue; only its holder can. True when it was theirs."""
    result = session.execute(
        update(ContactField)
        .where(ContactField.id == field_id, ContactField.claimed_by == holder)
        .values(claimed_by=None, lease_expires_at=None)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _held_by(session: Session, holder: str, now: datetime) -> int | None:
    query = select(ContactField.id).where(
        _WAITING, ContactField.claimed_by == holder, ContactField.lease_expires_at >= now
    )
    return session.scalars(query.order_by(ContactField.id).limit(1)).first()


def _orders(previous: ContactField | None) -> list[ColumnElement[bool] | None]:
    """Where to look: after the previous field first, then from the start of the queue."""
    if previous is None:
        return [None]
    later = or_(
        ContactField.contact_id > previous.contact_id,
        and_(ContactField.contact_id == previous.contact_id, ContactField.id > previous.id),
    )
    return [later, None]


def _candidate(
    session: Session, holder: str, now: datetime, later: ColumnElement[bool] | None
) -> Select[tuple[int]]:
    query = select(ContactField.id).where(_WAITING, _free_for(holder, now))
    if later is not None:
        query = query.where(later)
    query = query.order_by(ContactField.contact_id, ContactField.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        # Rows another claimant is locking right now are passed over, not waited for.
        query = query.with_for_update(skip_locked=True)
    return query


def _take(
    session: Session, field_id: int, holder: str, now: datetime, lease: timedelta
) -> FieldHold | None:
    """The claim itself: a conditional UPDATE only one claimant can win; the holder's other
    field, if any, goes back to the queue."""
    until = now + lease
    result = session.execute(
        update(ContactField)
        .where(ContactField.id == field_id, _WAITING, _free_for(holder, now))
        .values(claimed_by=holder, lease_expires_at=until)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.execute(
        update(ContactField)
        .where(ContactField.claimed_by == holder, ContactField.id != field_id)
        .values(claimed_by=None, lease_expires_at=None)
        .execution_options(synchronize_session="fetch")
    )
    return FieldHold(field_id, holder, until)
