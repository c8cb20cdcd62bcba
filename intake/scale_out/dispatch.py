"""Sending contacts to a step's queue: after receiving, after a step, on retry, by the sweeper."""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery
from sqlalchemy import select

from intake.app import App
from intake.pipeline import STEPS, Result, Step, StepOutcome
from intake.scale_out.queues import stage_task_name, step_after
from workflow.models import Contact, utcnow


def send_to_step(
    celery: Celery, step: Step, contact_ids: Sequence[int], *, countdown: float = 0.0
) -> int:
    """Send the contacts to the step in batches of the step's size; returns the tasks sent."""
    ids = list(contact_ids)
    batches = [ids[i : i + step.batch_size] for i in range(0, len(ids), step.batch_size)]
    for batch in batches:
        celery.send_task(stage_task_name(step), args=[batch], countdown=countdown or None)
    return len(batches)


def send_received(celery: Celery, contact_ids: Sequence[int]) -> int:
    """Newly committed contacts start at the first step."""
    return send_to_step(celery, STEPS[0], contact_ids)


def follow_up(celery: Celery, app: App, step: Step, outcomes: Sequence[StepOutcome]) -> None:
    """Advanced contacts go on to the next step; a failed one comes back when its retry is due."""
    following = step_after(step)
    advanced = [o.contact_id for o in outcomes if o.result is Result.ADVANCED]
    if following is not None and advanced:
        send_to_step(celery, following, advanced)
    retrying = [o.contact_id for o in outcomes if o.result is Result.RETRY]
    if not retrying:
        return
    with app.sessions() as session:
        due = session.execute(
            select(Contact.id, Contact.next_attempt_at).where(Contact.id.in_(retrying))
        ).all()
    now = utcnow()
    for contact_id, next_attempt_at in due:
        wait = (next_attempt_at - now).total_seconds() if next_attempt_at else 0.0
        send_to_step(celery, step, [contact_id], countdown=max(wait, 0.0))
