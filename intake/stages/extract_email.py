"""Extract for email: headers, the readable body, attachments (OCR'd when they are scans)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from intake.app import App
from intake.mail import MalformedEmail, ParsedEmail, parse_email
from intake.stages.errors import Unprocessable
from intake.stages.ocr_reading import read
from ocr import UnreadableDocument
from workflow.models import Contact, Document, DocumentRole

OCR_MEDIA_PREFIXES = ("image/", "application/pdf")


def extract(app: App, session: Session, contact: Contact, original: Document, data: bytes) -> None:
    limit = app.settings.max_email_bytes
    if len(data) > limit:
        raise Unprocessable(f"email of {len(data):,} bytes exceeds the limit of {limit:,}")
    try:
        mail = parse_email(data, max_bytes=limit)
    except MalformedEmail as error:
        raise Unprocessable(f"malformed email: {error.reason}") from error
    copy_headers(contact, mail)
    parts = [mail.text.strip()]
    for attachment in mail.attachments:
        if attachment.inline:
            continue
        document = attachment_document(
            app, attachment.filename, attachment.media_type, attachment.data
        )
        contact.documents.append(document)
        if document.text:
            parts.append(f"[Attachment {document.filename}]\n{document.text}")
    contact.text = "\n\n".join(part for part in parts if part)


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
    if mail.auto_submitted:
        contact.noise = "auto-reply"
