"""`intake ocr FILE`: per page the steps with their times, the text, the confidence, the doubts."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from typer.testing import CliRunner

from intake.cli import app
from tests.conftest import need_tesseract

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr" / "tesseract"

pytestmark = pytest.mark.tesseract


@pytest.fixture(autouse=True)
def _tesseract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    need_tesseract()
    monkeypatch.chdir(tmp_path)  # no intake.toml of the developer's is read
    for name in ("INTAKE_CONFIG", "INTAKE_OCR_LANGUAGES"):
        monkeypatch.delenv(name, raising=False)


def _ocr(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ocr", *args])
    # The table wraps long cells at the terminal's width: compare words, not line breaks.
    return result.exit_code, " ".join(result.output.split())


def test_ocr_prints_the_steps_the_text_and_writes_the_searchable_pdf(tmp_path: Path) -> None:
    out = tmp_path / "archive.pdf"
    code, output = _ocr(str(DATA / "phototest-rotated-180.png"), "-l", "eng", "--pdf", str(out))
    assert code == 0, output
    assert "Page 1 (OCR, 640x480 px" in output
    for step in ("borders", "denoise", "upscale", "orientation", "deskew"):
        assert step in output
    assert "turned 180 degrees clockwise" in output
    assert "The quick brown dog jumped over the lazy fox." in output
    assert "mean confidence" in output
    document = pdfium.PdfDocument(out.read_bytes())
    assert "quick brown dog" in document[0].get_textpage().get_text_range()


def test_words_below_the_threshold_are_listed_for_a_person_to_check() -> None:
    code, output = _ocr(str(DATA / "phototest.tif"), "-l", "eng", "--threshold", "99")
    assert code == 0, output
    assert "below 99% to check:" in output


def test_switched_off_steps_are_not_run() -> None:
    code, output = _ocr(
        str(DATA / "phototest.tif"), "-l", "eng", "--no-deskew", "--no-orientation", "--binarise"
    )
    assert code == 0, output
    assert "deskew" not in output and "orientation" not in output
    assert "adaptive threshold" in output


def test_a_truncated_scan_is_refused_with_the_file_and_the_reason(tmp_path: Path) -> None:
    with Image.open(DATA / "phototest.tif") as image:
        out = io.BytesIO()
        image.save(out, format="PNG")
    broken = tmp_path / "broken.png"
    broken.write_bytes(out.getvalue()[:2000])
    code, output = _ocr(str(broken))
    assert code == 2
    assert "broken.png" in output and "truncated or corrupt PNG" in output


def test_a_missing_file_is_named() -> None:
    code, output = _ocr("no-such-scan.tif")
    assert code == 2
    assert "no-such-scan.tif: cannot read the file" in output
