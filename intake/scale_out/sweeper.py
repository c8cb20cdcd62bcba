"""The sweeper: the database is the truth, the broker only a messenger.

A message can be lost (a worker killed after taking it, a broker restarted without persistence,
a send that failed after the commit). A contact whose stage has not moved for
`sweep_after_minutes`, and that has no retry pending, is sent to its step again. Its `updated_at`
is set to the moment of sending, so the next sweep leaves it alone for another period. If the
original message was not lost after all, the second run finds the contact past its step and
does nothing.

Each re-send counts as an attempt of the step. A contact that kills the worker process every time
it is worked on (a scan that crashes a native library, say) never reaches the pipeline's own
failure handling; counted here, it is quarantined after `max_attempts` deliveries with a reason a
person can act on, instead of being re-sent for ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import Celery
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from intake.app import App
from intake.pipeline import STEPS, Step
from intake.scale_out.dispatch import send_to_step
from workflow.audit import record
from workflow.db import unit_of_work
from workflow.models import Contact, ContactStatus, utcnow

# Contacts re-sent per step and sweep: a large backlog is worked off over several sweeps rather
# than flooding the broker at once.
SWEEP_LIMIT = 1000


@dataclass(frozen=True)
class SweepReport:
    resent: dict[str, list[int]] = field(default_factory=dict)
    quarantined: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.resent.values())

    def summary(self) -> str | None:
        parts = []
        if self.total:
            parts.append(
                "re-sent " + ", ".join(f"{name} {len(ids)}" for name, ids in self.resent.items())
            )
        if self.quarantined:
            parts.append(f"quarantined {len(self.quarantined)} that never finished their step")
        return "; ".join(parts) or None


def _stuck_at(step: Step, cutoff: datetime) -> ColumnElement[bool]:
    """Active at the step's stage, not moved since `cutoff`, no retry pending (a retry overdue
    by as long counts as lost too)."""
    return and_(
        Contact.status == ContactStatus.ACTIVE,
        Contact.stage == step.takes,
        Contact.updated_at <= cutoff,
        or_(Contact.next_attempt_at.is_(None), Contact.next_attempt_at <= cutoff),
    )


def stuck_contacts(session: Session, now: datetime, after: timedelta) -> dict[str, list[int]]:
    """Active contacts per step that have waited at its stage longer than `after`, with no
    retry pending."""
    stuck: dict[str, list[int]] = {}
    for step in STEPS:
        ids = list(
            session.scalars(
                select(Contact.id)
                .where(_stuck_at(step, now - after))
                .order_by(Contact.id)
                .limit(SWEEP_LIMIT)
            )
        )
        if ids:
            stuck[step.name] = ids
    return stuck


def sweep(app: App, celery: Celery, now: datetime | None = None) -> SweepReport:
    now = now or utcnow()
    after = timedelta(minutes=app.settings.sweep_after_minutes)
    steps = {step.name: step for step in STEPS}
    resent: dict[str, list[int]] = {}
    quarantined: list[int] = []
    with unit_of_work(app.sessions) as session:
        for name, ids in stuck_contacts(session, now, after).items():
            attempts = _count_delivery(session, steps[name], ids, now - after, now)
            worn_out = sorted(i for i, n in attempts.items() if n >= app.settings.max_attempts)
            _quarantine(session, name, worn_out, now)
            quarantined.extend(worn_out)
            again = sorted(i for i, n in attempts.items() if n < app.settings.max_attempts)
            if again:
                # Sent before the commit: a send that fails rolls the count back, so a broker
                # outage neither uses up attempts nor hides the contact for another period. A
                # message sent before a later failure is a repeat the step shrugs off.
                send_to_step(celery, steps[name], again)
                resent[name] = again
    return SweepReport(resent, quarantined)


def _count_delivery(
    session: Session, step: Step, ids: list[int], cutoff: datetime, now: datetime
) -> dict[int, int]:
    """Mark the contacts as sent now and count the delivery as an attempt; returns their
    attempts. The conditions are checked again in the UPDATE: a contact a worker advanced since
    it was found is left alone (neither counted nor sent). A plain UPDATE leaves the
    optimistic-lock version alone: a worker in the middle of the step still commits."""
    rows = session.execute(
        update(Contact)
        .where(Contact.id.in_(ids), _stuck_at(step, cutoff))
        .values(updated_at=now, attempts=Contact.attempts + 1)
        .returning(Contact.id, Contact.attempts)
        .execution_options(synchronize_session=False)
    )
    return {contact_id: attempts for contact_id, attempts in rows}


def _quarantine(session: Session, step: str, ids: list[int], now: datetime) -> None:
    for contact_id in ids:
        contact = session.get(Contact, contact_id)
        if contact is None:
            continue
        reason = (
            f"{step}: not finished after {contact.attempts} deliveries; a worker probably "
            "died while working on it (see the worker logs), release it to try again"
        )
        contact.status = ContactStatus.QUARANTINED
        contact.quarantine_reason = reason
        contact.last_error = reason
        contact.quarantined_at = now
        contact.next_attempt_at = None
        record(session, "sweeper", "contact", contact_id, "quarantined", reason=reason)
