"""Mailroom verification: form fields the machine was not sure of, checked by a person.

The route step opens one verification task per contact; the contact goes on to its unit at once
(the person's correction updates the stored field, not the routing).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.app import App
from intake.routing_steps import Routing
from workflow.audit import record
from workflow.cases import add_task
from workflow.field_claims import hold_of
from workflow.models import ContactField, FieldStatus, Task, TaskKind, TaskStatus, utcnow


def mailroom_unit(app: App) -> str | None:
    return next((u.code for u in app.organisation.units if u.kind == "mailroom"), None)


def open_fields(session: Session, contact_id: int) -> list[ContactField]:
    return list(
        session.scalars(
            select(ContactField)
            .where(
                ContactField.contact_id == contact_id,
                ContactField.status == FieldStatus.NEEDS_VERIFICATION,
            )
            .order_by(ContactField.id)
        )
    )


def ask_mailroom_to_verify(app: App, session: Session, routing: Routing) -> None:
    """A route step: unsure form fields become one verification task for the mailroom."""
    contact, case = routing.contact, routing.case
    unit = mailroom_unit(app)
    if not contact.form or case is None or unit is None:
        return
    fields = open_fields(session, contact.id)
    if not fields:
        return
    names = ", ".join(f.name for f in fields)
    task = add_task(
        session,
        case,
        kind=TaskKind.VERIFY,
        unit=unit,
        contact_id=contact.id,
        priority=3,
        due_at=routing.decision.deadline_at if routing.decision else None,
        title=f"Verify {contact.form}: {names}"[:1000],
    )
    task.payload = {"fields": [f.id for f in fields]}


class VerificationError(ValueError):
    pass


@dataclass(frozen=True)
class Verified:
    field_id: int
    name: str
    value: str
    corrected: bool
    task_done: bool


def verify_field(session: Session, field_id: int, value: str | None, actor: str) -> Verified:
    """Accept the value read (`value` None) or store the person's correction."""
    # Locked (PostgreSQL) and read afresh: a colleague's claim being committed right now is
    # waited for and seen, not overwritten by this answer.
    field = session.get(ContactField, field_id, with_for_update=True, populate_existing=True)
    if field is None:
        raise VerificationError(f"no form field {field_id}")
    if field.status not in (FieldStatus.NEEDS_VERIFICATION, FieldStatus.CONFIDENT):
        raise VerificationError(f"field {field_id} ({field.name}) was verified already")
    hold = hold_of(field, utcnow())
    if hold is not None and hold.holder != actor:
        raise VerificationError(
            f"field {field_id} ({field.name}) is being verified by {hold.holder} "
            f"until {hold.until:%H:%M} UTC"
        )
    # Answered: the claim, whoever held it, ends with the answer.
    field.claimed_by, field.lease_expires_at = None, None
    corrected = value is not None and value != field.value
    if corrected:
        field.value = value or ""
    field.status = FieldStatus.CORRECTED if corrected else FieldStatus.VERIFIED
    field.verified_by, field.verified_at = actor, utcnow()
    record(
        session,
        actor,
        "contact_field",
        field.id,
        "corrected" if corrected else "verified",
        name=field.name,
    )
    return Verified(
        field.id, field.name, field.value, corrected, _close_task_if_done(session, field, actor)
    )


def _close_task_if_done(session: Session, field: ContactField, actor: str) -> bool:
    session.flush()
    if open_fields(session, field.contact_id):
        return False
    task = session.scalar(
        select(Task).where(
            Task.contact_id == field.contact_id,
            Task.kind == TaskKind.VERIFY,
            Task.status.in_([TaskStatus.OPEN, TaskStatus.CLAIMED]),
        )
    )
    if task is None:
        return False
    task.status, task.completed_at = TaskStatus.DONE, utcnow()
    record(session, actor, "task", task.id, "completed", reason="all fields verified")
    return True
