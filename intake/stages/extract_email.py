"""Extract for email: headers, the readable body, the sanitised HTML, attachments (OCR'd when
they are scans), and the noise verdict (auto-reply, bounce, ...) with its delivery failures."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.app import App
from intake.mail import MalformedEmail, ParsedEmail, parse_email
from intake.mail.filters import DeliveryReport, FilterContext, screen
from intake.mail.sanitise import sanitise_html
from intake.stages.errors import Unprocessable
from intake.stages.ocr_reading import read
from ocr import UnreadableDocument
from workflow.audit import record
from workflow.models import Contact, Customer, DeliveryFailure, Document, DocumentRole, utcnow

OCR_MEDIA_PREFIXES = ("image/", "application/pdf")
# The sanitised HTML body, kept for display beside the extracted text.
HTML_ROLE = "html"
HTML_FILENAME = "message.html"


def extract(app: App, session: Session, contact: Contact, original: Document, data: bytes) -> None:
    limit = app.settings.max_email_bytes
    if len(data) > limit:
        raise Unprocessable(f"email of {len(data):,} bytes exceeds the limit of {limit:,}")
    try:
        mail = parse_email(data, max_bytes=limit)
    except MalformedEmail as error:
        raise Unprocessable(f"malformed email: {error.reason}") from error
    copy_headers(contact, mail)
    verdict = screen(mail, filter_context(app))
    contact.noise = verdict.noise
    # Every kind of noise (bounce, complaint, receipt, auto-reply) was sent by a machine.
    contact.auto_submitted = mail.auto_submitted or verdict.is_noise
    if verdict.delivery is not None:
        record_delivery_report(session, contact, verdict.delivery)
    if mail.html:
        contact.documents.append(html_document(app, mail.html))
    parts = [mail.text.strip()]
    for attachment in mail.documents:
        document = attachment_document(
            app, attachment.filename, attachment.media_type, attachment.data
        )
        contact.documents.append(document)
        if document.text:
            parts.append(f"[Attachment {document.filename}]\n{document.text}")
    contact.text = "\n\n".join(part for part in parts if part)


def filter_context(app: App) -> FilterContext:
    """Our domains: the one our Message-IDs are written under, and our sender address's."""
    smtp = app.settings.smtp
    if smtp is None:
        return FilterContext()
    domains = (smtp.resolved_message_id_domain, smtp.from_address.rpartition("@")[2])
    return FilterContext(own_domains=frozenset(d.lower() for d in domains if d))


def html_document(app: App, html: str) -> Document:
    safe = sanitise_html(html).encode("utf-8")
    return Document(
        role=HTML_ROLE,
        filename=HTML_FILENAME,
        media_type="text/html",
        blob_sha256=app.blobs.put(safe),
        size=len(safe),
    )


def attachment_document(app: App, filename: str, media_type: str, data: bytes) -> Document:
    document = Document(
        role=DocumentRole.ATTACHMENT,
        filename=filename[:500],
        media_type=media_type[:200],
        blob_sha256=app.blobs.put(data),
        size=len(data),
    )
    if media_type.startswith(OCR_MEDIA_PREFIXES):
        try:
            text = read(app, data, filename)
        except UnreadableDocument as error:
            # A bad attachment does not make the email unreadable; the note says why it is blank.
            document.note = f"not read: {error.reason}"
            return document
        document.text = text.text
        document.page_count = len(text.pages)
        document.confidence = text.confidence
    return document


def copy_headers(contact: Contact, mail: ParsedEmail) -> None:
    contact.subject = mail.subject[:1000]
    contact.sender_name = mail.sender_name[:300]
    contact.sender_address = (mail.sender_address or "").lower()[:320] or None
    contact.message_id = mail.message_id[:998] if mail.message_id else None
    contact.in_reply_to = mail.in_reply_to[:998] if mail.in_reply_to else None
    contact.references = list(mail.references)
    contact.auto_submitted = mail.auto_submitted


def record_delivery_report(session: Session, contact: Contact, report: DeliveryReport) -> None:
    """One DeliveryFailure row per recipient; a failed (not delayed) one marks the customer with
    that address undeliverable, so nobody waits for an answer that cannot arrive."""
    original = report.original_message_id[:998] if report.original_message_id else None
    for recipient in report.recipients:
        session.add(
            DeliveryFailure(
                address=recipient.address[:320],
                original_message_id=original,
                report_contact_id=contact.id,
                action=recipient.action[:20],
                status=recipient.status[:20],
                diagnostic=recipient.diagnostic,
            )
        )
        if recipient.failed:
            mark_undeliverable(session, recipient.address, recipient.status)


def mark_undeliverable(session: Session, address: str, status: str) -> None:
    customer = session.scalar(
        select(Customer).where(func.lower(Customer.email) == address.lower()).limit(1)
    )
    if customer is None or customer.email_undeliverable_at is not None:
        return
    customer.email_undeliverable_at = utcnow()
    record(session, "extract", "customer", customer.id, "email undeliverable", status=status)
