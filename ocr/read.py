"""The package's front door: bytes in, text (and on request a searchable PDF) out."""

from __future__ import annotations

from ocr.limits import Limits
from ocr.models import DocumentText, PageText, UnreadableDocument
from ocr.page_image import PageImage
from ocr.page_reading import PageReading, read_page
from ocr.pages import load_pages
from ocr.pdf_merge import OriginalPage, merge_pdf_pages
from ocr.preprocess import DEFAULT_OPTIONS, PreprocessOptions
from ocr.sniff import sniff_media_type
from ocr.tesseract import DEFAULT_LANGUAGES


def read_document(
    data: bytes,
    *,
    filename: str = "",
    languages: str = DEFAULT_LANGUAGES,
    max_pixels: int = 60_000_000,
    max_pages: int = 200,
    options: PreprocessOptions = DEFAULT_OPTIONS,
    want_pdf: bool = False,
) -> DocumentText:
    """Extract the text of a PDF or image, page by page.

    PDF pages with a text layer give that text; other pages are preprocessed (`options`) and
    OCR'd. With `want_pdf` the result also carries the searchable PDF of the document, made in
    the same Tesseract runs (pages with a text layer are taken over as they are).
    Raises UnreadableDocument (naming `filename`) for input that can never be read,
    TesseractMissing when OCR is not installed, TesseractFailed when Tesseract breaks on a page.
    """
    try:
        media_type = _media_type(data)
        limits = Limits(max_pixels=max_pixels, max_pages=max_pages)
        readings = tuple(
            _read(page, options=options, languages=languages, max_pixels=max_pixels, pdf=want_pdf)
            for page in load_pages(data, media_type, limits)
        )
    except UnreadableDocument as exc:
        if exc.filename or not filename:
            raise
        raise UnreadableDocument(exc.reason, filename=filename) from exc
    pdf = _searchable_pdf(readings, data, media_type) if want_pdf else None
    return DocumentText(
        media_type=media_type, pages=tuple(reading.text for reading in readings), pdf=pdf
    )


def _media_type(data: bytes) -> str:
    if not data:
        raise UnreadableDocument("empty file")
    media_type = sniff_media_type(data)
    if media_type is None:
        raise UnreadableDocument(f"not a PDF or a supported image (starts with {data[:8]!r})")
    return media_type


def _read(
    page: PageImage | PageText,
    *,
    options: PreprocessOptions,
    languages: str,
    max_pixels: int,
    pdf: bool,
) -> PageReading:
    if isinstance(page, PageText):
        return PageReading(text=page, pdf=None)
    return read_page(
        page, options=options, languages=languages, max_pixels=max_pixels, want_pdf=pdf
    )


def _searchable_pdf(readings: tuple[PageReading, ...], data: bytes, media_type: str) -> bytes:
    parts = [
        reading.pdf if reading.pdf is not None else OriginalPage(reading.text.number - 1)
        for reading in readings
    ]
    source = data if media_type == "application/pdf" else None
    return merge_pdf_pages(parts, source=source)
