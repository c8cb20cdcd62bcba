"""A scanned batch (multi-page TIFF or PDF with separator sheets): one contact per document.

Split at receive time, so one contact is always one document and everything downstream (OCR,
the searchable PDF, coupon reading, routing) sees one letter at a time. All the documents of a
batch commit in one transaction, each linked to the batch file (kept once in the blob store),
before the channel moves the file away; a repeat of the batch is recognised by its SHA-256
before a single page is decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import failpoints
from intake.app import App
from intake.channels.items import Channel, Outcome, Received, SourceItem
from intake.channels.receive import receive, receive_batch
from ocr import (
    SPLITTABLE,
    BatchPart,
    BatchSplit,
    UnreadableDocument,
    sniff_media_type,
    split_batch_file,
)
from ocr.limits import Limits
from workflow.models import Contact, Document, DocumentRole

SUFFIXES = {"image/tiff": ".tif", "application/pdf": ".pdf"}


@dataclass(frozen=True)
class BatchDocument(SourceItem):
    """One document of a scanned batch: known by the batch's SHA-256 and its place in it."""

    batch_sha256: str = ""
    index: int = 1  # 1-based, in batch order

    @property
    def source_key(self) -> str:
        # The batch's hash, not the part's: re-splitting the same batch always finds the same
        # contacts, even if a library writes the part's bytes a little differently next time.
        return f"{self.channel}:sha256:{self.batch_sha256}:document-{self.index}"


def receive_scan(app: App, item: SourceItem) -> list[Received]:
    """Store a scan as one contact per document it holds; any other item as it is."""
    media_type = sniff_media_type(item.data) if item.channel is Channel.SCAN else ""
    if media_type not in SPLITTABLE:
        return [receive(app, item)]
    known = known_batch_contacts(app, item.sha256)
    if known:
        return [Received(Outcome.DUPLICATE, item.source, contact_id) for contact_id in known]
    try:
        split = split_scan(app, item.data, media_type)
    except UnreadableDocument:
        # Stored whole: the extract stage meets the same fault and quarantines the contact
        # with its reason, so a broken scan is shown to a person rather than lost here.
        return [receive(app, item)]
    if split.is_one_document:
        return [receive(app, item)]
    app.blobs.put(item.data)
    parts = [
        document_item(item, part, index, split) for index, part in enumerate(split.parts, start=1)
    ]
    return receive_batch(app, parts, before_commit=lambda: failpoints.hit("receive.before_commit"))


def split_scan(app: App, data: bytes, media_type: str) -> BatchSplit:
    settings = app.settings
    return split_batch_file(
        data,
        media_type,
        settings.scan_separator,
        drop_blank=settings.scan_drop_blank_pages,
        limits=Limits(max_pixels=settings.max_image_pixels, max_pages=settings.max_pages),
    )


def known_batch_contacts(app: App, sha256: str) -> list[int]:
    """Scan contacts already made from the file with this hash: its own, or its documents'."""
    with app.sessions() as session:
        rows = session.scalars(
            select(Document.contact_id)
            .join(Contact, Contact.id == Document.contact_id)
            .where(Document.blob_sha256 == sha256, Contact.channel == Channel.SCAN)
            .distinct()
            .order_by(Document.contact_id)
        )
        return list(rows)


def document_item(
    batch: SourceItem, part: BatchPart, index: int, split: BatchSplit
) -> BatchDocument:
    count = len(split.parts)
    pages = page_list(part.batch_pages)
    stem = PurePath(batch.filename).stem
    return BatchDocument(
        channel=batch.channel,
        source=f"{batch.source} (document {index} of {count}: {pages})",
        filename=f"{stem}-document-{index}{SUFFIXES[part.media_type]}",
        data=part.data,
        received_at=batch.received_at,
        media_type=part.media_type,
        also_commit=link_batch(batch, batch_note(index, count, part, split)),
        batch_sha256=batch.sha256,
        index=index,
    )


def link_batch(batch: SourceItem, note: str) -> Callable[[Session, int], None]:
    """The batch file as a document of the contact, so every page of the scan stays reachable."""
    sha = batch.sha256

    def link(session: Session, contact_id: int) -> None:
        linked = session.scalar(
            select(Document.id).where(
                Document.contact_id == contact_id, Document.blob_sha256 == sha
            )
        )
        if linked is None:
            session.add(
                Document(
                    contact_id=contact_id,
                    role=DocumentRole.ATTACHMENT,
                    filename=batch.filename,
                    media_type=batch.media_type,
                    blob_sha256=sha,
                    size=len(batch.data),
                    note=note,
                )
            )

    return link


def batch_note(index: int, count: int, part: BatchPart, split: BatchSplit) -> str:
    note = (
        f"scanned batch of {split.page_count} pages; this contact is document {index} of "
        f"{count}, {page_list(part.batch_pages)}"
    )
    if split.separator_pages:
        note += f"; separator sheets: {page_list(split.separator_pages)}"
    if split.blank_pages:
        note += f"; blank pages dropped: {page_list(split.blank_pages)}"
    return note


def page_list(numbers: tuple[int, ...]) -> str:
    """`pages 1-3, 5` for a person."""
    runs: list[str] = []
    start = previous = numbers[0]
    for number in (*numbers[1:], None):
        if number is not None and number == previous + 1:
            previous = number
            continue
        runs.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    label = "page" if len(numbers) == 1 else "pages"
    return f"{label} {', '.join(runs)}"
