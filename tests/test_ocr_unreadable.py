"""Input that can never be read fails fast with a reason a person understands, never a crash."""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from ocr import UnreadableDocument, read_document

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PHOTOTEST = DATA / "ocr" / "tesseract" / "phototest.tif"
FAST_SECONDS = 2.0


def _refused_quickly(call: Callable[[], object]) -> UnreadableDocument:
    started = time.perf_counter()
    with pytest.raises(UnreadableDocument) as caught:
        call()
    assert time.perf_counter() - started < FAST_SECONDS
    return caught.value


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a huge grayscale image but carries a few bytes of pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def _minimal_pdf(*, encrypted: bool) -> bytes:
    """A one-page PDF with a line of text, optionally locked by a Standard security handler."""
    content = b"BT /F1 18 Tf 72 720 Td (Vistula Club loyalty coupon) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    # The /U check value does not match the empty password, so a reader needs the real one.
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + b"6f" * 32 + b"> /U <" + b"75" * 32 + b"> >>"
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    file_id = b"<" + b"ab" * 16 + b">"
    encrypt = b" /Encrypt 6 0 R" if encrypted else b""
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /ID [%s %s]%s >>\n"
        % (len(objects) + 1, file_id, file_id, encrypt)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _pdf_with_pages(sizes_pt: list[tuple[float, float]]) -> bytes:
    document = pdfium.PdfDocument.new()
    for width, height in sizes_pt:
        document.new_page(width, height)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def _tiff_pages(count: int) -> bytes:
    pages = [Image.new("L", (50, 50), 255) for _ in range(count)]
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:])
    return out.getvalue()


def test_empty_file_is_refused_as_empty() -> None:
    error = _refused_quickly(lambda: read_document(b"", filename="scan-0001.tif"))
    assert error.reason == "empty file"
    assert "scan-0001.tif" in str(error)


def test_bytes_that_are_no_document_are_refused() -> None:
    error = _refused_quickly(lambda: read_document(b"Dear Sir, my parcel is late.", filename="x"))
    assert "not a PDF or a supported image" in error.reason


def test_truncated_tiff_is_refused_naming_the_format() -> None:
    data = PHOTOTEST.read_bytes()
    error = _refused_quickly(
        lambda: read_document(data[: len(data) // 2], filename="phototest-cut.tif")
    )
    assert "TIFF" in error.reason
    assert "phototest-cut.tif" in str(error)


def test_encrypted_pdf_is_refused_as_encrypted() -> None:
    error = _refused_quickly(lambda: read_document(_minimal_pdf(encrypted=True), filename="a.pdf"))
    assert "encrypted" in error.reason


def test_the_same_pdf_without_encryption_is_read_from_its_text_layer() -> None:
    document = read_document(_minimal_pdf(encrypted=False))
    assert document.text == "Vistula Club loyalty coupon"
    assert document.pages[0].source == "text_layer"


def test_png_declaring_50000_by_50000_pixels_is_refused_without_decoding() -> None:
    error = _refused_quickly(lambda: read_document(_png_header_only(50_000, 50_000)))
    assert "exceeds the limit" in error.reason


def test_image_just_over_the_pixel_limit_is_refused_with_its_size() -> None:
    error = _refused_quickly(lambda: read_document(_png_header_only(10_000, 7_000)))
    assert (
        error.reason == "page 1: image of 10000x7000 pixels exceeds the limit of 60,000,000 pixels"
    )


def test_pixel_limit_is_configurable() -> None:
    data = PHOTOTEST.read_bytes()
    error = _refused_quickly(lambda: read_document(data, max_pixels=640 * 480 - 1))
    assert "640x480" in error.reason


def test_tiff_with_more_pages_than_the_limit_is_refused() -> None:
    error = _refused_quickly(lambda: read_document(_tiff_pages(4), max_pages=2))
    assert error.reason == "document has at least 3 pages, more than the limit of 2"


def test_pdf_with_more_pages_than_the_limit_is_refused() -> None:
    error = _refused_quickly(lambda: read_document(_pdf_with_pages([(612, 792)] * 3), max_pages=2))
    assert error.reason == "document has 3 pages, more than the limit of 2"


def test_pdf_page_too_large_to_render_readably_is_refused() -> None:
    poster = 200 * 72  # 200 inches square
    error = _refused_quickly(lambda: read_document(_pdf_with_pages([(poster, poster)])))
    assert "too large" in error.reason


def test_pdf_without_pages_is_not_mistaken_for_an_encrypted_one_read_before() -> None:
    _refused_quickly(lambda: read_document(_minimal_pdf(encrypted=True)))
    error = _refused_quickly(lambda: read_document(_pdf_with_pages([])))
    assert error.reason in ("PDF has no pages", "corrupt PDF: PDFium cannot open it")


def test_garbage_after_a_pdf_header_is_refused_as_corrupt() -> None:
    error = _refused_quickly(lambda: read_document(b"%PDF-1.7\n" + bytes(range(256)) * 4))
    assert "corrupt PDF" in error.reason
