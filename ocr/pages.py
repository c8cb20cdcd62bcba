"""Turn a file's bytes into pages: grayscale images to OCR, or text a PDF already carries."""

from __future__ import annotations

from collections.abc import Iterator

from ocr.limits import Limits
from ocr.models import PageText, UnreadableDocument
from ocr.page_image import PageImage
from ocr.pdf import pdf_pages
from ocr.raster import raster_pages


def load_pages(data: bytes, media_type: str, limits: Limits) -> Iterator[PageImage | PageText]:
    """Yield the pages of `data` one at a time, so a long document never sits in memory whole.

    The size limits are checked before this returns, before any page is decoded; bad input raises
    UnreadableDocument with the reason.
    """
    if media_type == "application/pdf":
        return pdf_pages(data, limits)
    if media_type.startswith("image/"):
        return raster_pages(data, media_type, limits)
    raise UnreadableDocument(f"unsupported media type {media_type}")
