"""Commit source items as contacts with their original bytes, exactly once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake import failpoints
from intake.app import App
from intake.channels.items import Outcome, Received, SourceItem
from workflow.audit import record
from workflow.models import AuditEvent, Contact, Document, DocumentRole

# A batch that collides with another worker's insert is retried; each retry sees more repeats.
CONFLICT_ATTEMPTS = 3
# Source keys looked up per query, well below every database's bound-parameter limit.
LOOKUP_CHUNK = 500

# Work that commits with a whole batch: the session and the batch's results, in item order.
BatchHook = Callable[[Session, list[Received]], None]


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
    also_commit: BatchHook | None = None,
    stored_blobs: Sequence[str] | None = None,
) -> list[Received]:
    """Store `items` in one transaction: all of them with their `also_commit` work, or none.

    One commit for many items is what makes a mail fetch fast. When another worker stored one
    of the same items meanwhile, the unique source key refuses our insert and the whole batch
    is tried again, now seeing that item as a repeat. The batch's `also_commit` runs in the
    same transaction after every item is stored. `stored_blobs` are the items' hashes when the
    caller has already stored their bytes durably (a fetcher writing the next batch's blobs
    while this one commits); otherwise they are stored here, before the rows.
    """
    if stored_blobs is None:
        shas = app.blobs.put_many([item.data for item in items])
    elif len(stored_blobs) != len(items):
        raise ValueError(f"{len(stored_blobs)} stored blobs for {len(items)} items")
    else:
        shas = list(stored_blobs)
    # Items with hooks of their own are stored one after the other, so each hook sees the
    # rows of the items before it; plain items take a few set-wise statements per batch.
    one_by_one = any(item.also_commit or item.recognise for item in items)
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            with app.sessions() as session, session.begin():
                if one_by_one:
                    results = [
                        _store(session, item, sha) for item, sha in zip(items, shas, strict=True)
                    ]
                else:
                    results = _store_all(session, items, shas)
                if also_commit is not None:
                    also_commit(session, results)
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


def _store_all(session: Session, items: Sequence[SourceItem], shas: list[str]) -> list[Received]:
    """Store plain items set-wise: one lookup, then one insert each for contacts, documents
    and audit events; an item repeated inside the batch is a repeat of its first copy."""
    keys = [item.source_key for item in items]
    known = _known_keys(session, keys)
    first: dict[str, int] = {}
    fresh: list[int] = []
    for index, key in enumerate(keys):
        if key not in known and key not in first:
            first[key] = index
            fresh.append(index)
    ids = _insert_all(session, [items[index] for index in fresh], [shas[index] for index in fresh])
    new_ids = dict(zip((keys[index] for index in fresh), ids, strict=True))
    results: list[Received] = []
    for index, (item, key) in enumerate(zip(items, keys, strict=True)):
        if key in new_ids and first[key] == index:
            results.append(Received(Outcome.STORED, item.source, new_ids[key]))
        else:
            results.append(Received(Outcome.DUPLICATE, item.source, known.get(key) or new_ids[key]))
    return results


def _known_keys(session: Session, keys: list[str]) -> dict[str, int]:
    wanted = sorted(set(keys))
    known: dict[str, int] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        rows = session.execute(
            select(Contact.source_key, Contact.id).where(Contact.source_key.in_(chunk))
        )
        known.update({key: contact_id for key, contact_id in rows})
    return known


def _insert_all(session: Session, items: list[SourceItem], shas: list[str]) -> list[int]:
    """The same rows `_insert` writes, for many items: their contact ids in item order.

    Core statements on the session's connection: the ORM's bulk path adds its own
    bookkeeping per row (about a tenth of these inserts' CPU), for rows nothing reads back.
    """
    if not items:
        return []
    contacts = Contact.__table__
    connection = session.connection()
    ids = list(
        connection.scalars(
            insert(contacts).returning(contacts.c.id, sort_by_parameter_order=True),
            [
                {
                    "channel": item.channel,
                    "source": item.source,
                    "source_key": item.source_key,
                    "sha256": sha,
                    "received_at": item.received_at,
                }
                for item, sha in zip(items, shas, strict=True)
            ],
        )
    )
    connection.execute(
        insert(Document.__table__),
        [
            {
                "contact_id": contact_id,
                "role": DocumentRole.ORIGINAL,
                "filename": item.filename,
                "media_type": item.media_type,
                "blob_sha256": sha,
                "size": len(item.data),
            }
            for item, sha, contact_id in zip(items, shas, ids, strict=True)
        ],
    )
    # The event `workflow.audit.record` would add for each contact.
    connection.execute(
        insert(AuditEvent.__table__),
        [
            {
                "actor": "intake",
                "entity_type": "contact",
                "entity_id": str(contact_id),
                "action": "received",
                "detail": {"source": item.source},
            }
            for item, contact_id in zip(items, ids, strict=True)
        ],
    )
    return ids
