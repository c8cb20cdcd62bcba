"""Real scans: the skewed and turned copies of a page read like the straight one, and a page in
six languages reads with the languages it needs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytesseract
import pytest

from ocr import TesseractMissing, read_document
from tests.conftest import need, need_tesseract
from tests.textmetrics import character_error_rate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr"
OCRMYPDF = DATA / "ocrmypdf"
LINN = (OCRMYPDF / "linn.txt").read_text(encoding="utf-8")
EUROTEXT = (DATA / "tesseract" / "eurotext.txt").read_text(encoding="utf-8")
# English, German, French, Italian, Spanish, Portuguese: the languages of eurotext.tif.
EUROPEAN = "eng+deu+fra+ita+spa+por"

pytestmark = pytest.mark.tesseract


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    need_tesseract()


def _word_recall(reference: str, text: str) -> float:
    """Share of the reference's words (with multiplicity) found in the text: layout-blind."""
    wanted, found = Counter(reference.split()), Counter(text.split())
    return sum((wanted & found).values()) / sum(wanted.values())


@pytest.fixture(scope="module")
def straight_linn() -> str:
    need_tesseract()
    return read_document((OCRMYPDF / "linn.png").read_bytes(), languages="eng").text


@pytest.mark.slow
@pytest.mark.parametrize("name", ["skew.pdf", "rotated_skew.pdf"])
def test_skewed_scan_reads_as_well_as_the_straight_one(name: str, straight_linn: str) -> None:
    document = read_document((OCRMYPDF / name).read_bytes(), filename=name, languages="eng")
    [page] = document.pages
    assert page.source == "ocr"
    assert (
        character_error_rate(LINN, document.text)
        <= character_error_rate(LINN, straight_linn) + 0.005
    )
    assert _word_recall(LINN, document.text) >= _word_recall(LINN, straight_linn) - 0.01


@pytest.mark.slow
def test_every_cardinal_orientation_reads_as_well_as_the_straight_page(straight_linn: str) -> None:
    document = read_document((OCRMYPDF / "cardinal.pdf").read_bytes(), languages="eng")
    assert len(document.pages) == 4
    straight_cer = character_error_rate(LINN, straight_linn)
    for page in document.pages:
        assert character_error_rate(LINN, page.text) <= straight_cer + 0.005, page.number
    turned = [
        step.detail
        for page in document.pages
        for step in page.steps
        if step.name == "orientation" and step.applied
    ]
    assert any("turned 180 degrees" in detail for detail in turned)
    assert any("turned 90 degrees" in detail for detail in turned)


def test_eurotext_reads_its_accents_with_its_six_languages() -> None:
    installed = set(pytesseract.get_languages())
    missing = [name for name in EUROPEAN.split("+") if name not in installed]
    need(not missing, f"Tesseract language data missing: {', '.join(missing)}")
    document = read_document((DATA / "tesseract" / "eurotext.tif").read_bytes(), languages=EUROPEAN)
    assert character_error_rate(EUROTEXT, document.text) <= 0.02
    # Letters and quotes English has not: read only with the other languages' data.
    for word in ("über", "«rapide»", "preguiçoso", "„schnelle”"):
        assert word in document.text


def test_asking_for_a_language_that_is_not_installed_names_it() -> None:
    with pytest.raises(TesseractMissing, match="xyz"):
        read_document((DATA / "tesseract" / "eurotext.tif").read_bytes(), languages="eng+xyz")
