"""Closing cases into the archive, purging the archive after its retention period, and erasing
a customer's personal data on request.

Blobs are deleted only after the database commit (`remove_blobs` with the hashes a report
names), so a rolled-back purge never leaves rows pointing at missing originals. Audit events
stay: they say who did what and when, and erasure redacts the personal values they carried.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.blobs import BlobStore
from workflow.models import (
    Answer,
    AuditEvent,
    CallbackAttempt,
    Case,
    CaseStatus,
    Contact,
    ContactField,
    Customer,
    DeliveryFailure,
    Document,
    LabelCorrection,
    MailLedgerEntry,
    OutboxMessage,
    Task,
    TaskComment,
    TaskStatus,
)

ERASED = "(erased)"
_MIN_REDACTED_LENGTH = 5


@dataclass(frozen=True)
class PurgeReport:
    contacts: int
    documents: int
    # Originals no remaining document refers to: delete them after the commit.
    orphan_blobs: tuple[str, ...]


@dataclass(frozen=True)
class ErasureReport:
    customer_id: int
    contacts: int
    documents: int
    cases: int
    outbox_messages: int
    answers: int
    orphan_blobs: tuple[str, ...]


def close_case(session: Session, case: Case, actor: str, now: datetime, reason: str) -> None:
    """Close a case and archive it with its contacts (their documents and answers go with them);
    tasks still open on it are cancelled."""
    case.status, case.closed_at, case.archived_at = CaseStatus.CLOSED, now, now
    session.execute(
        update(Contact)
        .where(Contact.case_id == case.id, Contact.archived_at.is_(None))
        .values(archived_at=now)
    )
    cancelled = list(
        session.scalars(
            select(Task.id).where(
                Task.case_id == case.id, Task.status.in_([TaskStatus.OPEN, TaskStatus.CLAIMED])
            )
        )
    )
    if cancelled:
        session.execute(
            update(Task)
            .where(Task.id.in_(cancelled))
            .values(status=TaskStatus.CANCELLED, claimed_by=None, lease_expires_at=None)
            .execution_options(synchronize_session=False)
        )
    record(
        session, actor, "case", case.reference, "closed", reason=reason, cancelled_tasks=cancelled
    )


def purge_expired(
    session: Session, now: datetime, retention: timedelta, actor: str = "retention"
) -> PurgeReport:
    """Delete archived contacts older than `retention` with their documents and form fields."""
    contact_ids = list(
        session.scalars(
            select(Contact.id).where(
                Contact.archived_at.is_not(None), Contact.archived_at < now - retention
            )
        )
    )
    if not contact_ids:
        return PurgeReport(0, 0, ())
    documents, shas = _delete_documents(session, contact_ids)
    _detach_contacts(session, contact_ids)
    session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
    orphans = _orphans(session, shas)
    record(
        session,
        actor,
        "archive",
        "contacts",
        "purged",
        contacts=len(contact_ids),
        documents=documents,
        blobs=len(orphans),
        retention_days=retention / timedelta(days=1),
    )
    return PurgeReport(len(contact_ids), documents, orphans)


def erase_customer(session: Session, customer_id: int, actor: str, now: datetime) -> ErasureReport:
    """Remove a customer's personal data everywhere it is kept, leaving one audit record."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise ValueError(f"customer {customer_id} does not exist")
    personal = _personal_values(customer)
    contact_ids = list(
        session.scalars(select(Contact.id).where(Contact.customer_id == customer_id))
    )
    case_ids = list(session.scalars(select(Case.id).where(Case.customer_id == customer_id)))
    case_ids += list(
        session.scalars(select(Contact.case_id).where(Contact.id.in_(contact_ids)).distinct())
    )
    case_ids = sorted({case_id for case_id in case_ids if case_id is not None})
    personal |= _contact_values(session, contact_ids)

    documents, shas = _delete_documents(session, contact_ids)
    _scrub_contacts(session, contact_ids)
    outbox = _scrub_outbox(session, contact_ids, case_ids, customer.email)
    answers = _scrub_cases(session, case_ids)
    _scrub_customer(customer, now)
    _redact_audit(session, personal)
    orphans = _orphans(session, shas)
    record(
        session,
        actor,
        "customer",
        customer_id,
        "erased",
        contacts=len(contact_ids),
        documents=documents,
        cases=len(case_ids),
        outbox_messages=outbox,
        answers=answers,
        blobs=len(orphans),
    )
    return ErasureReport(
        customer_id, len(contact_ids), documents, len(case_ids), outbox, answers, orphans
    )


def remove_blobs(blobs: BlobStore, shas: Iterable[str]) -> int:
    """Delete originals from the blob store (after the commit that stopped referring to them)."""
    removed = 0
    for sha in shas:
        path = blobs.path(sha)
        if path.is_file():
            path.unlink()
            removed += 1
    return removed


def _delete_documents(session: Session, contact_ids: list[int]) -> tuple[int, set[str]]:
    if not contact_ids:
        return 0, set()
    shas = set(
        session.scalars(select(Document.blob_sha256).where(Document.contact_id.in_(contact_ids)))
    )
    result = session.execute(delete(Document).where(Document.contact_id.in_(contact_ids)))
    session.execute(delete(ContactField).where(ContactField.contact_id.in_(contact_ids)))
    session.execute(delete(LabelCorrection).where(LabelCorrection.contact_id.in_(contact_ids)))
    return result.rowcount or 0, shas  # type: ignore[attr-defined]


def _detach_contacts(session: Session, contact_ids: list[int]) -> None:
    """Rows that only point at a purged contact keep their own history, without the pointer."""
    for column in (
        Task.contact_id,
        OutboxMessage.contact_id,
        MailLedgerEntry.contact_id,
        DeliveryFailure.report_contact_id,
    ):
        session.execute(
            update(column.class_)
            .where(column.in_(contact_ids))
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )


def _orphans(session: Session, shas: set[str]) -> tuple[str, ...]:
    if not shas:
        return ()
    still_used = set(
        session.scalars(select(Document.blob_sha256).where(Document.blob_sha256.in_(shas)))
    )
    return tuple(sorted(shas - still_used))


def _personal_values(customer: Customer) -> set[str]:
    # Not the postcode: many customers share one, and it names nobody in the audit trail.
    values = (customer.name, customer.email, customer.phone, customer.postal_address)
    return {value for value in (*values, customer.number) if value}


def _contact_values(session: Session, contact_ids: list[int]) -> set[str]:
    """Names and addresses the customer wrote from, which the audit trail may quote."""
    rows = session.execute(
        select(Contact.sender_name, Contact.sender_address).where(Contact.id.in_(contact_ids))
    )
    return {value for row in rows for value in row if value}


def _scrub_contacts(session: Session, contact_ids: list[int]) -> None:
    if not contact_ids:
        return
    session.execute(
        update(Contact)
        .where(Contact.id.in_(contact_ids))
        .values(
            source=ERASED,
            subject="",
            sender_name="",
            sender_address=None,
            message_id=None,
            in_reply_to=None,
            references=[],
            text="",
            entities=[],
            last_error=None,
            quarantine_reason=None,
            product=None,
            region=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(MailLedgerEntry)
        .where(MailLedgerEntry.contact_id.in_(contact_ids))
        .values(message_id=None)
        .execution_options(synchronize_session=False)
    )


def _scrub_outbox(
    session: Session, contact_ids: list[int], case_ids: list[int], email: str | None
) -> int:
    mine = OutboxMessage.contact_id.in_(contact_ids) | OutboxMessage.case_id.in_(case_ids)
    if email:
        mine = mine | (OutboxMessage.to_address == email.lower())
        session.execute(
            update(DeliveryFailure)
            .where(DeliveryFailure.address == email.lower())
            .values(address=ERASED, diagnostic="")
            .execution_options(synchronize_session=False)
        )
    result = session.execute(
        update(OutboxMessage)
        .where(mine)
        .values(
            to_address=ERASED,
            subject="",
            body_text="",
            body_html=None,
            last_error=None,
            # The customer's Message-IDs name their mail domain.
            in_reply_to=None,
            references=[],
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _scrub_cases(session: Session, case_ids: list[int]) -> int:
    """Case subjects, task titles and notes, comments, callback notes and answer bodies."""
    if not case_ids:
        return 0
    task_ids = select(Task.id).where(Task.case_id.in_(case_ids))
    session.execute(
        update(Case)
        .where(Case.id.in_(case_ids))
        .values(subject="", routing_trail=[])
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Task)
        .where(Task.case_id.in_(case_ids))
        .values(title="", note="", payload={})
        .execution_options(synchronize_session=False)
    )
    for model in (TaskComment, CallbackAttempt):
        column = "text" if model is TaskComment else "note"
        session.execute(
            update(model)
            .where(model.task_id.in_(task_ids))
            .values({column: ""})
            .execution_options(synchronize_session=False)
        )
    result = session.execute(
        update(Answer)
        .where(Answer.case_id.in_(case_ids))
        .values(body="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def _scrub_customer(customer: Customer, now: datetime) -> None:
    customer.name = ""
    customer.email = customer.phone = customer.postal_address = None
    customer.number = customer.postcode = None
    customer.erased_at = now


def _redact_audit(session: Session, personal: set[str]) -> None:
    """Audit events stay, but values quoting the customer (an address, a name) are redacted."""
    if not personal:
        return
    # Very short values ("Jan") would redact other people's events by coincidence.
    lowered = {value.lower() for value in personal if len(value) >= _MIN_REDACTED_LENGTH}
    for event in session.scalars(select(AuditEvent)):
        redacted = _redact(event.detail, lowered)
        if redacted != event.detail:
            event.detail = redacted


def _redact(value: Any, personal: set[str]) -> Any:
    if isinstance(value, str):
        return ERASED if any(p in value.lower() for p in personal) else value
    if isinstance(value, list):
        return [_redact(item, personal) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, personal) for key, item in value.items()}
    return value
