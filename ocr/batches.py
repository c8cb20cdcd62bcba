"""Splitting a scanned batch into documents at separator sheets, without the blank pages.

Pure: page images in, documents out; nothing is read from or written to anywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ocr.blank_page import is_blank
from ocr.page_image import PageImage
from ocr.separator import DEFAULT_SEPARATOR, is_separator


class PageKind(enum.Enum):
    CONTENT = "content"
    SEPARATOR = "separator"
    BLANK = "blank"


def page_kind(page: PageImage, separator: str, *, drop_blank: bool = True) -> PageKind:
    """What a scanned page is to the batch: part of a document, a separator sheet, or blank."""
    # Blank first: it is cheap, and a separator sheet is never blank.
    if drop_blank and is_blank(page.pixels):
        return PageKind.BLANK
    if is_separator(page.pixels, separator):
        return PageKind.SEPARATOR
    return PageKind.CONTENT


@dataclass(frozen=True)
class SeparatedDocument:
    """One document of a batch: its pages renumbered from 1, and where they were in the batch."""

    pages: tuple[PageImage, ...]
    batch_pages: tuple[int, ...]  # the batch page number of each page
    blank_pages: tuple[int, ...] = ()  # batch pages dropped from this document as blank


@dataclass
class _Collecting:
    pages: list[PageImage] = field(default_factory=list)
    batch_pages: list[int] = field(default_factory=list)
    blank_pages: list[int] = field(default_factory=list)

    def document(self) -> SeparatedDocument | None:
        if not self.pages:
            return None  # two separators in a row, or a stretch of blank pages only
        renumbered = tuple(
            replace(page, number=index) for index, page in enumerate(self.pages, start=1)
        )
        return SeparatedDocument(
            pages=renumbered,
            batch_pages=tuple(self.batch_pages),
            blank_pages=tuple(self.blank_pages),
        )


def split_batch(
    pages: Iterable[PageImage],
    separator: str = DEFAULT_SEPARATOR,
    *,
    drop_blank: bool = True,
) -> tuple[SeparatedDocument, ...]:
    """Documents in batch order: a page whose QR code or barcode reads `separator` ends one
    document and is itself dropped; blank pages are dropped when `drop_blank`."""
    documents: list[SeparatedDocument] = []
    current = _Collecting()
    for page in pages:
        kind = page_kind(page, separator, drop_blank=drop_blank)
        if kind is PageKind.BLANK:
            current.blank_pages.append(page.number)
        elif kind is PageKind.SEPARATOR:
            finished = current.document()
            if finished is not None:
                documents.append(finished)
            current = _Collecting()
        else:
            current.pages.append(page)
            current.batch_pages.append(page.number)
    finished = current.document()
    if finished is not None:
        documents.append(finished)
    return tuple(documents)
