"""The sweeper: the database is the truth, the broker only a messenger.

A message can be lost (a worker killed after taking it, a broker restarted without persistence,
a send that failed after the commit). A contact whose stage has not moved for
`sweep_after_minutes`, and that has no retry pending, is sent to its step again. Its `updated_at`
is set to the moment of sending, so the next sweep leaves it alone for another period. If the
original message was not lost after all, the second run finds the contact past its step and
does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import Celery
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from intake.app import App
from intake.pipeline import STEPS
from intake.scale_out.dispatch import send_to_step
from workflow.db import unit_of_work
from workflow.models import Contact, ContactStatus, utcnow

# Contacts re-sent per step and sweep: a large backlog is worked off over several sweeps rather
# than flooding the broker at once.
SWEEP_LIMIT = 1000


@dataclass(frozen=True)
class SweepReport:
    resent: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.resent.values())

    def summary(self) -> str | None:
        if not self.total:
            return None
        return "re-sent " + ", ".join(f"{name} {len(ids)}" for name, ids in self.resent.items())


def stuck_contacts(session: Session, now: datetime, after: timedelta) -> dict[str, list[int]]:
    """Active contacts per step that have waited at its stage longer than `after`, with no
    retry pending (a retry overdue by as long counts as lost too)."""
    cutoff = now - after
    stuck: dict[str, list[int]] = {}
    for step in STEPS:
        ids = list(
            session.scalars(
                select(Contact.id)
                .where(
                    Contact.status == ContactStatus.ACTIVE,
                    Contact.stage == step.takes,
                    Contact.updated_at <= cutoff,
                    or_(Contact.next_attempt_at.is_(None), Contact.next_attempt_at <= cutoff),
                )
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
    with unit_of_work(app.sessions) as session:
        stuck = stuck_contacts(session, now, after)
        for ids in stuck.values():
            # A plain UPDATE leaves the optimistic-lock version alone: a worker that is in the
            # middle of the step still commits.
            session.execute(
                update(Contact)
                .where(Contact.id.in_(ids))
                .values(updated_at=now)
                .execution_options(synchronize_session=False)
            )
    # Sent after the commit: a failed send leaves the contact for the next period's sweep.
    steps = {step.name: step for step in STEPS}
    for name, ids in stuck.items():
        send_to_step(celery, steps[name], ids)
    return SweepReport(stuck)
