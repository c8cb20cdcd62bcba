"""Commit a source item as a contact with its original bytes, exactly once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intake import failpoints
from intake.app import App
from intake.channels.items import Outcome, Received, SourceItem
from workflow.audit import record
from workflow.models import Contact, Document, DocumentRole


def receive(app: App, item: SourceItem) -> Received:
    """Store `item` as a contact in one transaction; a repeat of a known item is recognised.

    The blob is written before the row: an orphan blob after a crash is harmless (content
    addressed, written again next time), a row without its blob would not be.
    """
    with app.sessions() as session:
        known = session.scalar(select(Contact.id).where(Contact.source_key == item.source_key))
    if known is not None:
        return Received(Outcome.DUPLICATE, item.source, known)

    sha = app.blobs.put(item.data)
    try:
        with app.sessions() as session, session.begin():
            contact = Contact(
                channel=item.channel,
                source=item.source,
                source_key=item.source_key,
                sha256=sha,
                received_at=item.received_at,
            )
            contact.documents.append(
                Document(
                    role=DocumentRole.ORIGINAL,
                    filename=item.filename,
                    media_type=item.media_type,
                    blob_sha256=sha,
                    size=len(item.data),
                )
            )
            session.add(contact)
            session.flush()
            record(session, "intake", "contact", contact.id, "received", source=item.source)
            failpoints.hit("receive.before_commit")
            contact_id = contact.id
    except IntegrityError:
        # Another worker committed the same item between our check and our insert.
        with app.sessions() as session:
            known = session.scalar(select(Contact.id).where(Contact.source_key == item.source_key))
        if known is None:
            raise
        return Received(Outcome.DUPLICATE, item.source, known)
    return Received(Outcome.STORED, item.source, contact_id)
