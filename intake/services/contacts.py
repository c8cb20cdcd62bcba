"""A contact as the people working its case see it: the original email (sanitised HTML, no remote
content) or the scanned pages and searchable PDF, the labels with their confidence, the routing
trail, the case's answers and calls; and the correction of its topic, which feeds retraining."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.app import App
from intake.corrections import CorrectionError, relabel
from intake.services.access import require_role
from intake.services.errors import Forbidden, NotFound, Refused
from intake.services.principal import Principal
from workflow.accounts import Role
from workflow.models import (
    Answer,
    CallbackAttempt,
    Case,
    Contact,
    ContactField,
    Customer,
    Document,
    DocumentRole,
    Task,
    TaskComment,
)


@dataclass(frozen=True)
class DocumentView:
    id: int
    role: str
    filename: str
    media_type: str
    size: int
    page_count: int | None
    note: str

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"


@dataclass(frozen=True)
class FieldView:
    name: str
    value: str
    read_value: str
    confidence: float
    status: str
    problem: str


@dataclass(frozen=True)
class AnswerView:
    channel: str
    body: str
    actor: str
    created_at: datetime


@dataclass(frozen=True)
class CallView:
    agent: str
    outcome: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class CommentView:
    actor: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class CaseView:
    id: int
    reference: str
    status: str
    unit: str
    topic: str | None
    priority: int
    deadline_at: datetime | None
    trail: tuple[str, ...]
    tags: tuple[str, ...]
    answers: tuple[AnswerView, ...]
    calls: tuple[CallView, ...]
    comments: tuple[CommentView, ...]
    contact_ids: tuple[int, ...]


@dataclass(frozen=True)
class ContactView:
    id: int
    channel: str
    received_at: datetime
    subject: str
    sender_name: str
    sender_address: str | None
    customer: str | None
    language: str | None
    text: str
    html_document_id: int | None
    topic: str | None
    topic_score: float | None
    sentiment: str | None
    sentiment_score: float | None
    entities: tuple[dict[str, Any], ...]
    stage: str
    status: str
    quarantine_reason: str | None
    form: str | None
    documents: tuple[DocumentView, ...]
    fields: tuple[FieldView, ...]
    case: CaseView | None


def may_see_case(session: Session, principal: Principal, case_id: int | None) -> bool:
    if principal.sees_all_units:
        return True
    if case_id is None:
        return False
    case = session.get(Case, case_id)
    if case is not None and principal.may_work_unit(case.unit):
        return True
    units = session.scalars(select(Task.unit).where(Task.case_id == case_id)).all()
    return any(principal.may_work_unit(unit) for unit in units)


def _may_see_contact(session: Session, principal: Principal, contact: Contact) -> bool:
    # The mailroom handles every scan (verification, batches) but not the email of the units.
    if principal.role is Role.MAILROOM and contact.channel == "scan":
        return True
    return may_see_case(session, principal, contact.case_id)


def load_contact(session: Session, principal: Principal, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    if not _may_see_contact(session, principal, contact):
        raise Forbidden(f"contact {contact_id} belongs to a unit {principal.username} cannot see")
    return contact


def contact_view(app: App, principal: Principal, contact_id: int) -> ContactView:
    with app.sessions() as session:
        contact = load_contact(session, principal, contact_id)
        return _view(session, contact)


def contact_view_of_task(app: App, contact_id: int) -> ContactView:
    """The contact a task is about; the caller has checked access to the task, which grants
    sight of its contact even where the case now sits in another unit."""
    with app.sessions() as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"no contact {contact_id}")
        return _view(session, contact)


def _view(session: Session, contact: Contact) -> ContactView:
    documents = tuple(_document(d) for d in contact.documents if d.role != DocumentRole.HTML)
    html = next((d.id for d in contact.documents if d.role == DocumentRole.HTML), None)
    customer = session.get(Customer, contact.customer_id) if contact.customer_id else None
    fields = session.scalars(
        select(ContactField).where(ContactField.contact_id == contact.id).order_by(ContactField.id)
    ).all()
    return ContactView(
        id=contact.id,
        channel=contact.channel,
        received_at=contact.received_at,
        subject=contact.subject,
        sender_name=contact.sender_name,
        sender_address=contact.sender_address,
        customer=_customer_label(customer),
        language=contact.language,
        text=contact.text,
        html_document_id=html,
        topic=contact.topic,
        topic_score=contact.topic_score,
        sentiment=contact.sentiment,
        sentiment_score=contact.sentiment_score,
        entities=tuple(contact.entities or ()),
        stage=contact.stage,
        status=contact.status,
        quarantine_reason=contact.quarantine_reason,
        form=contact.form,
        documents=documents,
        fields=tuple(
            FieldView(f.name, f.value, f.read_value, f.confidence, f.status, f.problem)
            for f in fields
        ),
        case=case_view(session, contact.case_id) if contact.case_id else None,
    )


def _customer_label(customer: Customer | None) -> str | None:
    if customer is None:
        return None
    parts = [customer.name or customer.email or "customer", f"#{customer.number or customer.id}"]
    if customer.tier != "standard":
        parts.append(customer.tier.upper())
    return " ".join(parts)


def _document(document: Document) -> DocumentView:
    return DocumentView(
        id=document.id,
        role=document.role,
        filename=document.filename,
        media_type=document.media_type,
        size=document.size,
        page_count=document.page_count,
        note=document.note,
    )


def case_view(session: Session, case_id: int) -> CaseView:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    task_ids = [task.id for task in case.tasks]
    answers = session.scalars(select(Answer).where(Answer.case_id == case_id).order_by(Answer.id))
    calls = session.scalars(
        select(CallbackAttempt)
        .where(CallbackAttempt.task_id.in_(task_ids))
        .order_by(CallbackAttempt.id)
    )
    comments = session.scalars(
        select(TaskComment).where(TaskComment.task_id.in_(task_ids)).order_by(TaskComment.id)
    )
    contact_ids = session.scalars(
        select(Contact.id).where(Contact.case_id == case_id).order_by(Contact.id)
    )
    return CaseView(
        id=case.id,
        reference=case.reference or f"#{case.id}",
        status=case.status,
        unit=case.unit,
        topic=case.topic,
        priority=case.priority,
        deadline_at=case.deadline_at,
        trail=tuple(case.routing_trail or ()),
        tags=tuple(case.tags or ()),
        answers=tuple(AnswerView(a.channel, a.body, a.actor, a.created_at) for a in answers),
        calls=tuple(CallView(c.agent, c.outcome, c.note, c.created_at) for c in calls),
        comments=tuple(CommentView(c.actor, c.text, c.created_at) for c in comments),
        contact_ids=tuple(contact_ids),
    )


@dataclass(frozen=True)
class DocumentContent:
    filename: str
    media_type: str
    data: bytes


def document_content(app: App, principal: Principal, document_id: int) -> DocumentContent:
    """The stored bytes of a contact's document, for the people who may see the contact."""
    with app.sessions() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"no document {document_id}")
        load_contact(session, principal, document.contact_id)
        name, media_type, sha = document.filename, document.media_type, document.blob_sha256
    return DocumentContent(name or f"document-{document_id}", media_type, app.blobs.get(sha))


def correct_topic(app: App, principal: Principal, contact_id: int, topic: str) -> str:
    """Relabel the contact (stored as a training example) and move its open work; returns the
    unit that now has it."""
    require_role(principal, Role.BACKOFFICE, Role.SUPERVISOR, Role.AGENT)
    with app.sessions() as session:
        load_contact(session, principal, contact_id)
    try:
        done = relabel(app, contact_id, topic, principal.actor)
    except CorrectionError as error:
        raise Refused(str(error)) from None
    return done.unit or app.organisation.topic(topic).unit
