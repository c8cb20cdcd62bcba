"""A searchable PDF of a scanned document: the page images with an invisible text layer."""

from __future__ import annotations

from ocr.preprocess import DEFAULT_OPTIONS, PreprocessOptions
from ocr.read import read_document
from ocr.tesseract import DEFAULT_LANGUAGES


def searchable_pdf(
    data: bytes,
    *,
    filename: str = "",
    languages: str = DEFAULT_LANGUAGES,
    max_pixels: int = 60_000_000,
    max_pages: int = 200,
    options: PreprocessOptions = DEFAULT_OPTIONS,
) -> bytes:
    """The archive copy of a scan: every page preprocessed (straight, upright) as it was read.

    To have the text as well without reading twice, call `read_document(..., want_pdf=True)`.
    """
    document = read_document(
        data,
        filename=filename,
        languages=languages,
        max_pixels=max_pixels,
        max_pages=max_pages,
        options=options,
        want_pdf=True,
    )
    assert document.pdf is not None  # want_pdf=True always builds it
    return document.pdf
