"""Media types come from a file's first bytes, not from its name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from ocr import sniff_media_type

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _encoded(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "media_type"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("TIFF", "image/tiff"),
        ("GIF", "image/gif"),
        ("BMP", "image/bmp"),
        ("WEBP", "image/webp"),
    ],
)
def test_images_written_by_pillow_are_recognised(kind: str, media_type: str) -> None:
    assert sniff_media_type(_encoded(kind)) == media_type


def test_shared_scans_are_recognised() -> None:
    assert sniff_media_type((DATA / "ocr/tesseract/phototest.tif").read_bytes()) == "image/tiff"
    assert sniff_media_type((DATA / "ocr/ocrmypdf/c02-22.pdf").read_bytes()) == "application/pdf"


def test_pdf_header_after_leading_junk_is_recognised() -> None:
    assert sniff_media_type(b"\xef\xbb\xbf\r\n%PDF-1.4\n...") == "application/pdf"


@pytest.mark.parametrize("data", [b"", b"Dear Sir", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"PK\x03\x04"])
def test_other_bytes_are_not_recognised(data: bytes) -> None:
    assert sniff_media_type(data) is None
