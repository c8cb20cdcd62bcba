"""Extract: the text a person would read, from the email body, OCR of scans and attachments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from intake.app import App
from intake.channels.items import Channel
from intake.mail import MalformedEmail, ParsedEmail, parse_email
from intake.stages.errors import Unprocessable
from ocr import DocumentText, UnreadableDocument, read_document
from workflow.models import Contact, Document, DocumentRole

OCR_MEDIA_PREFIXES = ("image/", "application/pdf")


def run(app: App, session: Session, contacts: Sequence[Contact]) -> None:
    for contact in contacts:
        original = _original(contact)
        data = app.blobs.get(original.blob_sha256)
        if contact.channel == Channel.EMAIL:
            _extract_email(app, contact, data)
        else:
            _extract_scan(app, contact, original, data)


def _original(contact: Contact) -> Document:
    for document in contact.documents:
        if document.role == DocumentRole.ORIGINAL:
            return document
    raise Unprocessable("the contact has no original document")


def _read(app: App, data: bytes, filename: str) -> DocumentText:
    return read_document(
        data,
        filename=filename,
        languages=app.settings.ocr_languages,
        max_pixels=app.settings.max_image_pixels,
        max_pages=app.settings.max_pages,
    )


def _extract_scan(app: App, contact: Contact, original: Document, data: bytes) -> None:
    try:
        text = _read(app, data, original.filename)
    except UnreadableDocument as error:
        raise Unprocessable(f"{original.filename}: {error.reason}") from error
    original.text = text.text
    original.page_count = len(text.pages)
    original.confidence = text.confidence
    original.media_type = text.media_type
    contact.text = text.text
    contact.ocr_confidence = text.confidence
    contact.subject = _first_line(text.text)


def _extract_email(app: App, contact: Contact, data: bytes) -> None:
    if len(data) > app.settings.max_email_bytes:
        raise Unprocessable(
            f"email of {len(data):,} bytes exceeds the limit of {app.settings.max_email_bytes:,}"
        )
    try:
        mail = parse_email(data)
    except MalformedEmail as error:
        raise Unprocessable(f"malformed email: {error.reason}") from error
    _copy_headers(contact, mail)
    parts = [mail.text.strip()]
    # Documents from an earlier, rolled-back attempt were never committed; none to remove.
    for attachment in mail.attachments:
        if attachment.inline:
            continue
        document = _attachment_document(
            app, attachment.filename, attachment.media_type, attachment.data
        )
        contact.documents.append(document)
        if document.text:
            parts.append(f"[Attachment {document.filename}]\n{document.text}")
    contact.text = "\n\n".join(part for part in parts if part)


def _attachment_document(app: App, filename: str, media_type: str, data: bytes) -> Document:
    document = Document(
        role=DocumentRole.ATTACHMENT,
        filename=filename[:500],
        media_type=media_type[:200],
        blob_sha256=app.blobs.put(data),
        size=len(data),
    )
    if media_type.startswith(OCR_MEDIA_PREFIXES):
        try:
            text = _read(app, data, filename)
        except UnreadableDocument as error:
            # A bad attachment does not make the email unreadable; the note says why it is blank.
            document.note = f"not read: {error.reason}"
            return document
        document.text = text.text
        document.page_count = len(text.pages)
        document.confidence = text.confidence
    return document


def _copy_headers(contact: Contact, mail: ParsedEmail) -> None:
    contact.subject = mail.subject[:1000]
    contact.sender_name = mail.sender_name[:300]
    contact.sender_address = (mail.sender_address or "").lower()[:320] or None
    contact.message_id = (mail.message_id or None) and mail.message_id[:998]
    contact.in_reply_to = (mail.in_reply_to or None) and mail.in_reply_to[:998]
    contact.auto_submitted = mail.auto_submitted


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
