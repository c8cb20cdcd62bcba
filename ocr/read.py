"""The package's front door: bytes in, text out."""

from __future__ import annotations

from ocr.limits import Limits
from ocr.models import DocumentText, PageText, UnreadableDocument
from ocr.page_image import PageImage
from ocr.pages import load_pages
from ocr.preprocess import prepare_for_ocr
from ocr.sniff import sniff_media_type
from ocr.tesseract import DEFAULT_LANGUAGES, recognise


def read_document(
    data: bytes,
    *,
    filename: str = "",
    languages: str = DEFAULT_LANGUAGES,
    max_pixels: int = 60_000_000,
    max_pages: int = 200,
) -> DocumentText:
    """Extract the text of a PDF or image, page by page.

    PDF pages with a text layer give that text; other pages are OCR'd. Raises UnreadableDocument
    (naming `filename`) for input that can never be read, TesseractMissing when OCR is not
    installed, TesseractFailed when Tesseract breaks on a page.
    """
    try:
        media_type = _media_type(data)
        limits = Limits(max_pixels=max_pixels, max_pages=max_pages)
        pages = tuple(
            _read_page(page, languages=languages, max_pixels=max_pixels)
            for page in load_pages(data, media_type, limits)
        )
    except UnreadableDocument as exc:
        if exc.filename or not filename:
            raise
        raise UnreadableDocument(exc.reason, filename=filename) from exc
    return DocumentText(media_type=media_type, pages=pages)


def _media_type(data: bytes) -> str:
    if not data:
        raise UnreadableDocument("empty file")
    media_type = sniff_media_type(data)
    if media_type is None:
        raise UnreadableDocument(f"not a PDF or a supported image (starts with {data[:8]!r})")
    return media_type


def _read_page(page: PageImage | PageText, *, languages: str, max_pixels: int) -> PageText:
    if isinstance(page, PageText):
        return page
    prepared = prepare_for_ocr(page, max_pixels=max_pixels)
    return recognise(prepared.pixels, number=page.number, dpi=prepared.dpi, languages=languages)
