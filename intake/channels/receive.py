"""Commit source items as contacts with their original bytes, exactly once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake import failpoints
from intake.app import App
from intake.channels.items import Outcome, Received, SourceItem
from workflow.audit import record
from workflow.models import Contact, Document, DocumentRole

# A batch that collides with another worker's insert is retried; each retry sees more repeats.
CONFLICT_ATTEMPTS = 3


def receive(app: App, item: SourceItem) -> Received:
    """Store `item` as a contact in one transaction; a repeat of a known item is recognised.

    The blob is written before the row: an orphan blob after a crash is harmless (content
    addressed, written again next time), a row without its blob would not be.
    """
    if item.also_commit is None and item.recognise is None:
        # Plain items: a cheap read first, so a repeat takes no write lock.
        with app.sessions() as session:
            known = _known(session, item)
        if known is not None:
            return Received(Outcome.DUPLICATE, item.source, known)
    return receive_batch(
        app, [item], before_commit=lambda: failpoints.hit("receive.before_commit")
    )[0]


def receive_batch(
    app: App,
    items: Sequence[SourceItem],
    *,
    before_commit: Callable[[], None] | None = None,
) -> list[Received]:
    """Store `items` in one transaction: all of them with their `also_commit` work, or none.

    One commit for many items is what makes a mail fetch fast. When another worker stored one
    of the same items meanwhile, the unique source key refuses our insert and the whole batch
    is tried again, now seeing that item as a repeat.
    """
    shas = app.blobs.put_many([item.data for item in items])
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            with app.sessions() as session, session.begin():
                results = [
                    _store(session, item, sha) for item, sha in zip(items, shas, strict=True)
                ]
                if before_commit is not None:
                    before_commit()
            return results
        except IntegrityError:
            if attempt == CONFLICT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _known(session: Session, item: SourceItem) -> int | None:
    known = session.scalar(select(Contact.id).where(Contact.source_key == item.source_key))
    if known is None and item.recognise is not None:
        known = item.recognise(session)
    return known


def _store(session: Session, item: SourceItem, sha: str) -> Received:
    known = _known(session, item)
    if known is None:
        known = _insert(session, item, sha)
        result = Received(Outcome.STORED, item.source, known)
    else:
        result = Received(Outcome.DUPLICATE, item.source, known)
    if item.also_commit is not None:
        item.also_commit(session, known)
    return result


def _insert(session: Session, item: SourceItem, sha: str) -> int:
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
    return contact.id
