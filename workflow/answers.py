"""Answering a case: an email reply through the outbox, or a letter recorded as sent.

The reply threads with the customer's mail (our own Message-ID, In-Reply-To their message,
References the thread) and names the case in its subject, so their answer joins the case.
Answering completes the task and marks the case answered; when a line unit answers, the call
centre gets a callback task (`workflow.callbacks`).
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.callbacks import CallbackPolicy, schedule_callback
from workflow.models import Answer, Case, CaseStatus, Contact, OutboxMessage, Task
from workflow.org_models import Organisation
from workflow.tasks import TaskError, complete

REPLY_KIND = "reply"
# References beyond this many add nothing for threading and only lengthen the header.
_MAX_REFERENCES = 20


class AnswerChannel(enum.StrEnum):
    EMAIL = "email"
    LETTER = "letter"


@dataclass(frozen=True)
class AnswerReceipt:
    answer_id: int
    case_reference: str
    channel: AnswerChannel
    outbox_id: int | None
    message_id: str | None
    to_address: str | None
    callback_task_id: int | None


def answer_task(
    session: Session,
    org: Organisation,
    task_id: int,
    agent: str,
    body: str,
    now: datetime,
    *,
    channel: AnswerChannel,
    message_id_domain: str,
    callbacks: CallbackPolicy,
) -> AnswerReceipt:
    """Answer the case of a task the agent holds (or an open one), and complete the task."""
    if not body.strip():
        raise TaskError(f"task {task_id}: an answer needs a text")
    task = session.get(Task, task_id)
    if task is None:
        raise TaskError(f"task {task_id} does not exist")
    case = session.get_one(Case, task.case_id)
    contact = _contact_to_answer(session, task, case)
    if channel is AnswerChannel.EMAIL and (contact is None or not contact.sender_address):
        raise TaskError(
            f"task {task_id}: case {case.reference} has no email from the customer to "
            "reply to; answer by letter"
        )
    complete(session, task_id, agent, now, note=f"answered by {channel}")
    outbox: OutboxMessage | None = None
    if channel is AnswerChannel.EMAIL:
        assert contact is not None
        outbox = _reply(session, case, contact, body, now, message_id_domain)
    answer = Answer(
        case_id=case.id,
        task_id=task.id,
        channel=channel,
        body=body,
        actor=agent,
        outbox_id=outbox.id if outbox is not None else None,
        created_at=now,
    )
    session.add(answer)
    session.flush()
    case.status, case.answered_at = CaseStatus.ANSWERED, now
    record(
        session,
        agent,
        "case",
        case.reference,
        "answered",
        channel=channel,
        answer=answer.id,
        outbox=outbox.id if outbox is not None else None,
        task=task.id,
    )
    callback = None
    if org.unit(task.unit).kind == "line":
        callback = schedule_callback(session, org, case, answer, contact, now, callbacks, agent)
    return AnswerReceipt(
        answer_id=answer.id,
        case_reference=case.reference or "",
        channel=channel,
        outbox_id=outbox.id if outbox is not None else None,
        message_id=outbox.message_id if outbox is not None else None,
        to_address=outbox.to_address if outbox is not None else None,
        callback_task_id=callback.id if callback is not None else None,
    )


def _contact_to_answer(session: Session, task: Task, case: Case) -> Contact | None:
    """The task's own contact when it is an email, else the case's latest email."""
    if task.contact_id is not None:
        contact = session.get(Contact, task.contact_id)
        if contact is not None and contact.sender_address:
            return contact
    return session.scalar(
        select(Contact)
        .where(Contact.case_id == case.id, Contact.sender_address.is_not(None))
        .order_by(Contact.received_at.desc(), Contact.id.desc())
        .limit(1)
    )


def _reply(
    session: Session, case: Case, contact: Contact, body: str, now: datetime, domain: str
) -> OutboxMessage:
    already = session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.contact_id == contact.id, OutboxMessage.kind == REPLY_KIND
        )
    )
    references = [*contact.references, *([contact.message_id] if contact.message_id else [])]
    message = OutboxMessage(
        kind=REPLY_KIND,
        # One reply per contact and kind is unique; a second answer to the same mail keeps
        # its link through the case only.
        contact_id=None if already is not None else contact.id,
        case_id=case.id,
        to_address=(contact.sender_address or "").lower(),
        subject=_subject(case, contact),
        body_text=body,
        message_id=f"<reply.{case.id}.{secrets.token_hex(6)}@{domain}>",
        in_reply_to=contact.message_id,
        references=list(dict.fromkeys(references))[-_MAX_REFERENCES:],
        status="pending",
        attempts=0,
        created_at=now,
    )
    session.add(message)
    session.flush()
    record(
        session,
        "outbox",
        "outbox",
        message.id,
        "reply queued",
        to=message.to_address,
        case=case.reference,
    )
    return message


def _subject(case: Case, contact: Contact) -> str:
    subject = contact.subject or case.subject or ""
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}".strip()
    if case.reference and case.reference.lower() not in subject.lower():
        subject = f"{subject} [{case.reference}]"
    return subject[:1000]
