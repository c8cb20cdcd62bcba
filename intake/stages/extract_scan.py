"""Extract for paper: OCR of the scanned document."""

from __future__ import annotations

from pathlib import PurePath

from sqlalchemy.orm import Session

from intake.app import App
from intake.forms import form_text, read_if_form, store_fields
from intake.stages.errors import Unprocessable
from intake.stages.ocr_reading import read
from ocr import DocumentText, UnreadableDocument
from workflow.models import Contact, Document, DocumentRole


def extract(app: App, session: Session, contact: Contact, original: Document, data: bytes) -> None:
    try:
        text = read(app, data, original.filename, want_pdf=True)
    except UnreadableDocument as error:
        raise Unprocessable(f"{original.filename}: {error.reason}") from error
    original.text = text.text
    original.page_count = len(text.pages)
    original.confidence = text.confidence
    original.media_type = text.media_type
    contact.text = text.text
    contact.ocr_confidence = text.confidence
    contact.subject = first_line(text.text)
    _keep_archive_copy(app, contact, original, text)
    reading = read_if_form(app, data, text.media_type)
    if reading is not None:
        session.add_all(store_fields(app, contact, reading))
        # The field values, corrected from postal data, read better than the page text.
        contact.text = f"{form_text(reading)}\n\n{text.text}"


def _keep_archive_copy(app: App, contact: Contact, original: Document, text: DocumentText) -> None:
    """The searchable PDF travels with the case to the archive."""
    if not text.pdf:
        return
    contact.documents.append(
        Document(
            role=DocumentRole.ARCHIVE,
            filename=f"{PurePath(original.filename).stem}.searchable.pdf",
            media_type="application/pdf",
            blob_sha256=app.blobs.put(text.pdf),
            size=len(text.pdf),
            page_count=len(text.pages),
            text=text.text,
            confidence=text.confidence,
        )
    )


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
