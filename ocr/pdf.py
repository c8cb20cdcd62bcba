"""Read PDF pages with PDFium: a page's own text layer when it has one, else a 300 dpi rendering."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr.limits import Limits, check_page_count
from ocr.models import PageText, UnreadableDocument
from ocr.page_image import PageImage
from ocr.pdf_text import text_layer

RENDER_DPI = 300
# A page too big for the pixel limit at 300 dpi is rendered smaller, but not below this:
# under it the text would be too small to read and the page is refused instead.
MIN_RENDER_DPI = 100
# Embedded images are decoded at full size before PDFium scales them onto the page; a scan at
# twice the render resolution is normal, anything far beyond is a bomb.
EMBEDDED_IMAGE_FACTOR = 4
POINTS_PER_INCH = 72


def pdf_pages(data: bytes, limits: Limits) -> Iterator[PageImage | PageText]:
    document = _open(data)
    try:
        count = len(document)
        if count == 0:
            raise UnreadableDocument("PDF has no pages")
        check_page_count(count, limits)
    except BaseException:
        document.close()
        raise
    return _pages(document, count, limits)


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # PDFium's last-error code can be left over from an earlier document, so a password error
        # counts only when the file does declare encryption.
        declares_encryption = b"/Encrypt" in data
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD and declares_encryption:
            raise UnreadableDocument("PDF is encrypted (it needs a password to open)") from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY and declares_encryption:
            raise UnreadableDocument("PDF uses an unsupported security handler") from exc
        raise UnreadableDocument("corrupt PDF: PDFium cannot open it") from exc


def _pages(
    document: pdfium.PdfDocument, count: int, limits: Limits
) -> Iterator[PageImage | PageText]:
    try:
        for index in range(count):
            page = _page(document, index)
            try:
                yield _read_page(page, index + 1, limits)
            finally:
                page.close()
    finally:
        document.close()


def _page(document: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    try:
        return document[index]
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(f"corrupt PDF: page {index + 1}: {exc}") from exc


def _read_page(page: pdfium.PdfPage, number: int, limits: Limits) -> PageImage | PageText:
    dpi = _render_dpi(page, number, limits)
    text = text_layer(page, number=number, dpi=dpi)
    if text is not None:
        return text
    _check_embedded_images(page, number, limits)
    return PageImage(number=number, pixels=_render(page, number, dpi), dpi=dpi)


def _render_dpi(page: pdfium.PdfPage, number: int, limits: Limits) -> float:
    width_in, height_in = (side / POINTS_PER_INCH for side in page.get_size())
    if width_in <= 0 or height_in <= 0:
        raise UnreadableDocument(f"PDF page {number} has no area ({width_in}x{height_in} in)")
    fitting = math.sqrt(limits.max_pixels / (width_in * height_in))
    dpi = min(float(RENDER_DPI), fitting)
    if dpi < MIN_RENDER_DPI:
        raise UnreadableDocument(
            f"PDF page {number} of {width_in:.0f}x{height_in:.0f} in is too large: at "
            f"{MIN_RENDER_DPI} dpi it exceeds the limit of {limits.max_pixels:,} pixels"
        )
    return dpi


def _check_embedded_images(page: pdfium.PdfPage, number: int, limits: Limits) -> None:
    allowed = limits.max_pixels * EMBEDDED_IMAGE_FACTOR
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        # Width and height come from the image dictionary: nothing is decoded yet.
        width, height = image.get_px_size()
        if width * height > allowed:
            raise UnreadableDocument(
                f"PDF page {number}: embedded image of {width}x{height} pixels exceeds the "
                f"limit of {allowed:,} pixels"
            )


def _render(page: pdfium.PdfPage, number: int, dpi: float) -> np.ndarray:
    try:
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True)
    except pdfium.PdfiumError as exc:
        raise UnreadableDocument(f"PDF page {number} cannot be rendered: {exc}") from exc
    # The bitmap's buffer belongs to PDFium; copy before it is freed.
    pixels = bitmap.to_numpy().copy()
    bitmap.close()
    return pixels.reshape(pixels.shape[0], pixels.shape[1])
