"""Joining one-page PDFs, and pages of the original PDF, into one document."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium


@dataclass(frozen=True)
class OriginalPage:
    """A page of the source PDF taken over as it is (it already has a text layer)."""

    index: int  # 0-based


def merge_pdf_pages(parts: Sequence[bytes | OriginalPage], *, source: bytes | None = None) -> bytes:
    """One PDF of `parts` in order: one-page PDFs (bytes) or pages of the `source` PDF."""
    merged = pdfium.PdfDocument.new()
    original = pdfium.PdfDocument(source) if source is not None else None
    opened: list[pdfium.PdfDocument] = []
    try:
        for part in parts:
            if isinstance(part, OriginalPage):
                if original is None:
                    raise ValueError("an original page was asked for, but no source PDF given")
                merged.import_pages(original, pages=[part.index])
                continue
            single = pdfium.PdfDocument(part)
            opened.append(single)
            merged.import_pages(single)
        out = io.BytesIO()
        merged.save(out)
        return out.getvalue()
    finally:
        for document in opened:
            document.close()
        if original is not None:
            original.close()
        merged.close()
