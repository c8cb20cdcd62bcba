"""A searchable PDF: the scanned pages with an invisible text layer that finds their words."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from ocr import read_document, searchable_pdf
from tests.conftest import need_tesseract
from tests.textmetrics import character_error_rate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr"
PHOTOTEST = DATA / "tesseract" / "phototest.tif"
TRANSCRIPT = (DATA / "tesseract" / "phototest.txt").read_text(encoding="utf-8")

pytestmark = pytest.mark.tesseract


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    need_tesseract()


def _page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document.get_page_size(index) for index in range(len(document))]
    finally:
        document.close()


def test_searchable_pdf_has_a_text_layer_with_the_words() -> None:
    pdf = searchable_pdf(PHOTOTEST.read_bytes(), filename="phototest.tif", languages="eng")
    [text] = _page_texts(pdf)
    assert character_error_rate(TRANSCRIPT, text) <= 0.02
    for word in ("quick", "brown", "format.", "lazy"):
        assert word in text


def test_pdf_page_keeps_the_paper_size_of_the_scan() -> None:
    # phototest is 640x480 px at 200 dpi: 3.2 x 2.4 inches, 230.4 x 172.8 points.
    pdf = searchable_pdf(PHOTOTEST.read_bytes(), languages="eng")
    [(width, height)] = _page_sizes(pdf)
    assert width == pytest.approx(230.4, abs=0.5)
    assert height == pytest.approx(172.8, abs=0.5)


def test_a_turned_page_is_archived_upright(tmp_path: Path) -> None:
    data = (DATA / "tesseract" / "phototest-rotated-180.png").read_bytes()
    document = read_document(data, languages="eng", want_pdf=True)
    assert document.pdf is not None
    [text] = _page_texts(document.pdf)
    # Reading the PDF's own text layer gives back what OCR read: nothing is read twice.
    assert "The quick brown dog" in text
    assert character_error_rate(document.text, text) <= 0.01


def test_every_page_of_a_multi_page_scan_is_in_the_pdf_in_order() -> None:
    with Image.open(PHOTOTEST) as first, Image.open(DATA / "tesseract" / "eurotext.tif") as second:
        out = io.BytesIO()
        first.save(out, format="TIFF", save_all=True, append_images=[second])
    texts = _page_texts(searchable_pdf(out.getvalue(), languages="eng"))
    assert len(texts) == 2
    assert "quick brown dog" in texts[0]
    assert "Fuchs springt" in texts[1]


def test_a_page_that_already_has_text_is_taken_over_unchanged() -> None:
    original = searchable_pdf(PHOTOTEST.read_bytes(), languages="eng")
    again = read_document(original, languages="eng", want_pdf=True)
    assert again.pages[0].source == "text_layer"
    assert again.pdf is not None
    assert _page_texts(again.pdf) == _page_texts(original)


def test_no_pdf_is_made_unless_asked_for() -> None:
    assert read_document(PHOTOTEST.read_bytes(), languages="eng").pdf is None
