"""Real pages read by real Tesseract: scans, multi-page TIFFs, PDFs with and without text."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytesseract
import pytest
from PIL import Image

import ocr.page_reading
import ocr.tesseract
from ocr import TesseractMissing, read_document
from tests.textmetrics import character_error_rate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TESSERACT_DATA = DATA / "ocr" / "tesseract"
PHOTOTEST = TESSERACT_DATA / "phototest.tif"
MAX_CER = 0.02

pytestmark = pytest.mark.tesseract


@pytest.fixture(autouse=True)
def _needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        if os.environ.get("INTAKE_REQUIRE_SERVICES") == "1":
            pytest.fail("tesseract binary not found and INTAKE_REQUIRE_SERVICES=1")
        pytest.skip("tesseract binary not found")


def _transcript(name: str) -> str:
    return (TESSERACT_DATA / name).read_text(encoding="utf-8")


def _tilted_phototest(degrees: float) -> bytes:
    with Image.open(PHOTOTEST) as image:
        gray = image.convert("L")
        tilted = gray.rotate(degrees, expand=True, fillcolor=255, resample=Image.BICUBIC)
        out = io.BytesIO()
        tilted.save(out, format="PNG", dpi=image.info["dpi"])
    return out.getvalue()


def _searchable_pdf(image: Path, tmp_path: Path) -> bytes:
    base = tmp_path / "searchable"
    subprocess.run(
        ["tesseract", str(image), str(base), "-l", "eng", "pdf"],
        check=True,
        capture_output=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        timeout=60,
    )
    return base.with_suffix(".pdf").read_bytes()


def test_phototest_reads_within_two_percent_character_error() -> None:
    document = read_document(PHOTOTEST.read_bytes(), filename="phototest.tif")
    assert document.media_type == "image/tiff"
    assert character_error_rate(_transcript("phototest.txt"), document.text) <= MAX_CER
    page = document.pages[0]
    assert page.source == "ocr"
    assert page.confidence > 80


def test_words_come_in_reading_order_with_boxes_on_the_page() -> None:
    page = read_document(PHOTOTEST.read_bytes()).pages[0]
    assert [word.text for word in page.words[:4]] == ["This", "is", "a", "lot"]
    tops = [word.top for word in page.words]
    assert tops[0] < tops[-1]  # first line above the last
    for word in page.words:
        assert word.left >= 0 and word.left + word.width <= page.width
        assert word.top >= 0 and word.top + word.height <= page.height
        assert 0 <= word.confidence <= 100


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    text = read_document(PHOTOTEST.read_bytes()).text
    assert "of file format.\n\nThe quick brown dog" in text


@pytest.mark.parametrize("degrees", [3.0, -7.0])
def test_skewed_page_reads_like_the_straight_one(degrees: float) -> None:
    document = read_document(_tilted_phototest(degrees), filename="tilted.png")
    assert character_error_rate(_transcript("phototest.txt"), document.text) <= MAX_CER


def test_multi_page_tiff_yields_each_page_in_order() -> None:
    with Image.open(PHOTOTEST) as first, Image.open(TESSERACT_DATA / "eurotext.tif") as second:
        out = io.BytesIO()
        first.save(out, format="TIFF", save_all=True, append_images=[second])
    document = read_document(out.getvalue(), filename="two-pages.tif")
    assert [page.number for page in document.pages] == [1, 2]
    assert character_error_rate(_transcript("phototest.txt"), document.pages[0].text) <= MAX_CER
    # eurotext mixes six languages and eng+pol lacks some accents; the words are what matter.
    assert character_error_rate(_transcript("eurotext.txt"), document.pages[1].text) <= 0.05
    assert document.text.count("\f") == 1


def test_pdf_with_a_text_layer_is_read_without_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = _searchable_pdf(PHOTOTEST, tmp_path)

    def no_ocr(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page with a text layer was sent to Tesseract")

    monkeypatch.setattr(ocr.page_reading, "recognise_page", no_ocr)
    document = read_document(pdf, filename="searchable.pdf")
    assert document.media_type == "application/pdf"
    [page] = document.pages
    assert page.source == "text_layer"
    assert page.confidence == 100.0
    assert character_error_rate(_transcript("phototest.txt"), document.text) <= MAX_CER


def test_text_layer_word_boxes_land_where_ocr_saw_the_words(tmp_path: Path) -> None:
    # OCR boxes are in pixels of the page as read (phototest: 200 dpi), text-layer boxes in
    # pixels of the PDF page rendered at 300 dpi: scaled to one system, they must agree.
    from_layer = read_document(_searchable_pdf(PHOTOTEST, tmp_path)).pages[0]
    from_ocr = read_document(PHOTOTEST.read_bytes()).pages[0]
    scale = from_layer.width / from_ocr.width
    assert from_layer.height / from_ocr.height == pytest.approx(scale, rel=0.01)
    ocr_boxes = {word.text: word for word in from_ocr.words}
    layer_boxes = {word.text: word for word in from_layer.words}
    for text in ("This", "format.", "lazy"):
        seen, layer = ocr_boxes[text], layer_boxes[text]
        centre_x = (seen.left + seen.width / 2) * scale
        centre_y = (seen.top + seen.height / 2) * scale
        assert layer.left <= centre_x <= layer.left + layer.width, text
        assert layer.top <= centre_y <= layer.top + layer.height, text


def test_image_only_pdf_is_ocrd() -> None:
    data = (DATA / "ocr" / "ocrmypdf" / "c02-22.pdf").read_bytes()
    document = read_document(data, filename="c02-22.pdf")
    [page] = document.pages
    assert page.source == "ocr"
    assert page.dpi == 300
    for phrase in ("THEY TIP-TOED ALONG", "went tip-toeing along a path", "kitchen door"):
        assert phrase in document.text
    assert document.confidence > 80


def test_missing_tesseract_binary_raises_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(TesseractMissing, match="tesseract binary was not found"):
        read_document(PHOTOTEST.read_bytes())


def test_missing_language_data_is_named() -> None:
    with pytest.raises(TesseractMissing, match="klingon"):
        read_document(PHOTOTEST.read_bytes(), languages="eng+klingon")


def test_tesseract_is_reported_available() -> None:
    assert ocr.tesseract.tesseract_available()
