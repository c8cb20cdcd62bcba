"""Extract: the text a person would read. Emails and scans each have their own module."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from intake.app import App
from intake.channels.items import Channel
from intake.stages import extract_email, extract_scan
from intake.stages.errors import Unprocessable
from workflow.models import Contact, Document, DocumentRole

EXTRACTORS = {Channel.EMAIL: extract_email.extract, Channel.SCAN: extract_scan.extract}


def run(app: App, session: Session, contacts: Sequence[Contact]) -> None:
    for contact in contacts:
        original = original_document(contact)
        data = app.blobs.get(original.blob_sha256)
        extractor = EXTRACTORS.get(Channel(contact.channel))
        if extractor is None:
            raise Unprocessable(f"no extractor for channel '{contact.channel}'")
        extractor(app, session, contact, original, data)


def original_document(contact: Contact) -> Document:
    for document in contact.documents:
        if document.role == DocumentRole.ORIGINAL:
            return document
    raise Unprocessable("the contact has no original document")
