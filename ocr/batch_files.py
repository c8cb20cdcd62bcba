"""Splitting a scanned batch file into one file per document, at separator sheets.

Pure: the batch's bytes in, each document's bytes out. A document keeps its pages exactly as
the scanner wrote them (the TIFF frames or PDF pages are copied, not re-rendered), so its own
OCR and searchable PDF are made from the original scan.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

from ocr.batches import PageKind, page_kind
from ocr.limits import Limits
from ocr.models import PageText, UnreadableDocument
from ocr.page_image import PageImage
from ocr.pages import load_pages
from ocr.separator import DEFAULT_SEPARATOR

# Only these carry several pages; a PNG or JPEG is always one document.
SPLITTABLE = frozenset({"image/tiff", "application/pdf"})


@dataclass(frozen=True)
class BatchPart:
    """One document of a batch as a file of its own."""

    data: bytes
    media_type: str
    batch_pages: tuple[int, ...]  # 1-based page numbers in the batch file


@dataclass(frozen=True)
class BatchSplit:
    """What a batch file holds: its documents, and the pages that belong to none of them."""

    page_count: int
    parts: tuple[BatchPart, ...]
    separator_pages: tuple[int, ...]
    blank_pages: tuple[int, ...]

    @property
    def is_one_document(self) -> bool:
        """Nothing to split: every page belongs to a single document (or there is none)."""
        return len(self.parts) <= 1 and not self.separator_pages and not self.blank_pages


def split_batch_file(
    data: bytes,
    media_type: str,
    separator: str = DEFAULT_SEPARATOR,
    *,
    drop_blank: bool = True,
    limits: Limits | None = None,
) -> BatchSplit:
    """Split a multi-page TIFF or PDF at its separator sheets, dropping blank pages.

    Pages are decoded one at a time (within `limits`); bad input raises UnreadableDocument.
    """
    if media_type not in SPLITTABLE:
        raise UnreadableDocument(f"a {media_type} file holds one page; only TIFF and PDF split")
    kinds = _page_kinds(load_pages(data, media_type, limits or Limits()), separator, drop_blank)
    groups = _documents(kinds)
    write = _tiff_part if media_type == "image/tiff" else _pdf_part
    return BatchSplit(
        page_count=len(kinds),
        parts=tuple(BatchPart(write(data, pages), media_type, pages) for pages in groups),
        separator_pages=_numbers(kinds, PageKind.SEPARATOR),
        blank_pages=_numbers(kinds, PageKind.BLANK),
    )


def _page_kinds(
    pages: Iterable[PageImage | PageText], separator: str, drop_blank: bool
) -> list[PageKind]:
    kinds = []
    for page in pages:
        if isinstance(page, PageText):
            # A PDF page with a text layer (the scanner ran its own OCR): the separator sheet
            # prints its code's text in clear, which the layer then carries.
            kinds.append(PageKind.SEPARATOR if separator in page.text else PageKind.CONTENT)
        else:
            kinds.append(page_kind(page, separator, drop_blank=drop_blank))
    return kinds


def _documents(kinds: list[PageKind]) -> list[tuple[int, ...]]:
    """Page numbers of each document: runs of content pages between separator sheets."""
    documents: list[tuple[int, ...]] = []
    current: list[int] = []
    for number, kind in enumerate(kinds, start=1):
        if kind is PageKind.SEPARATOR:
            if current:
                documents.append(tuple(current))
            current = []
        elif kind is PageKind.CONTENT:
            current.append(number)
    if current:
        documents.append(tuple(current))
    return documents


def _numbers(kinds: list[PageKind], wanted: PageKind) -> tuple[int, ...]:
    return tuple(number for number, kind in enumerate(kinds, start=1) if kind is wanted)


def _tiff_part(data: bytes, pages: tuple[int, ...]) -> bytes:
    """A multi-page TIFF of the batch's `pages`, each frame with its own mode and resolution."""
    with Image.open(io.BytesIO(data), formats=["TIFF"]) as batch:
        frames = []
        for number in pages:
            batch.seek(number - 1)
            frame = batch.copy()
            frame.encoderinfo = {}
            frames.append((frame, batch.info.get("dpi")))
    dpi = frames[0][1]
    # Lossless either way: G4 when every frame is black and white, else deflate (one
    # compression serves the whole file, so a lone black-and-white frame turns grey).
    all_bilevel = all(frame.mode == "1" for frame, _ in frames)
    images = [
        frame if all_bilevel or frame.mode != "1" else frame.convert("L") for frame, _ in frames
    ]
    options: dict[str, object] = {"compression": "group4" if all_bilevel else "tiff_adobe_deflate"}
    if dpi:
        options["dpi"] = dpi
    out = io.BytesIO()
    images[0].save(out, format="TIFF", save_all=True, append_images=images[1:], **options)
    return out.getvalue()


def _pdf_part(data: bytes, pages: tuple[int, ...]) -> bytes:
    """A PDF of the batch's `pages`, taken over as they are (text layers included)."""
    batch = pdfium.PdfDocument(data)
    part = pdfium.PdfDocument.new()
    try:
        part.import_pages(batch, pages=[number - 1 for number in pages])
        out = io.BytesIO()
        part.save(out)
        return out.getvalue()
    finally:
        part.close()
        batch.close()
