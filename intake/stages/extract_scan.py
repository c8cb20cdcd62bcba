"""Extract for paper: OCR of the scanned document."""

from __future__ import annotations

from sqlalchemy.orm import Session

from intake.app import App
from intake.stages.errors import Unprocessable
from intake.stages.ocr_reading import read
from ocr import UnreadableDocument
from workflow.models import Contact, Document


def extract(app: App, session: Session, contact: Contact, original: Document, data: bytes) -> None:
    try:
        text = read(app, data, original.filename)
    except UnreadableDocument as error:
        raise Unprocessable(f"{original.filename}: {error.reason}") from error
    original.text = text.text
    original.page_count = len(text.pages)
    original.confidence = text.confidence
    original.media_type = text.media_type
    contact.text = text.text
    contact.ocr_confidence = text.confidence
    contact.subject = first_line(text.text)


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
