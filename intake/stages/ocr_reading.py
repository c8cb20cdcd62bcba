"""Reading images and PDFs with the configured OCR limits, for scans and attachments alike."""

from __future__ import annotations

from intake.app import App
from ocr import DocumentText, read_document


def read(app: App, data: bytes, filename: str, *, want_pdf: bool = False) -> DocumentText:
    return read_document(
        data,
        filename=filename,
        languages=app.settings.ocr_languages,
        max_pixels=app.settings.max_image_pixels,
        max_pages=app.settings.max_pages,
        want_pdf=want_pdf,
    )
