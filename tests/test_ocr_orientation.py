"""Pages on their side or head are turned upright (Tesseract OSD) and read like straight ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr import read_document
from ocr.orientation import detect_orientation, turn
from tests.conftest import need_tesseract
from tests.textmetrics import character_error_rate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ocr" / "tesseract"
TRANSCRIPT = (DATA / "phototest.txt").read_text(encoding="utf-8")
MAX_CER = 0.02

pytestmark = pytest.mark.tesseract


@pytest.fixture(autouse=True)
def _tesseract() -> None:
    need_tesseract()


def _orientation_step(document):  # type: ignore[no-untyped-def]
    return next(step for step in document.pages[0].steps if step.name == "orientation")


def test_upright_page_is_read_once_without_asking_osd() -> None:
    document = read_document((DATA / "phototest.tif").read_bytes(), languages="eng")
    assert character_error_rate(TRANSCRIPT, document.text) <= MAX_CER
    step = _orientation_step(document)
    assert not step.applied
    assert step.detail.startswith("not checked")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "degrees"),
    [
        ("phototest-rotated-180.png", 180),
        ("phototest-rotated-L.png", 90),
        ("phototestrot.tif", 90),
    ],
)
def test_turned_page_is_detected_turned_and_read(name: str, degrees: int) -> None:
    document = read_document((DATA / name).read_bytes(), filename=name, languages="eng")
    assert character_error_rate(TRANSCRIPT, document.text) <= MAX_CER
    step = _orientation_step(document)
    assert step.applied
    assert f"turned {degrees} degrees clockwise" in step.detail
    assert document.pages[0].confidence > 85


def test_page_turned_right_reads_within_two_percent() -> None:
    # Tesseract's own layout analysis reads lines running top to bottom: no second reading.
    document = read_document((DATA / "phototest-rotated-R.png").read_bytes(), languages="eng")
    assert character_error_rate(TRANSCRIPT, document.text) <= MAX_CER


@pytest.mark.slow
def test_osd_reports_the_turn_that_makes_the_page_upright() -> None:
    upright = np.asarray(Image.open(DATA / "phototest.tif").convert("L"))
    for degrees in (90, 180, 270):
        # Turning the upright page counter-clockwise by `degrees` needs `degrees` clockwise back.
        turned = turn(upright, (360 - degrees) % 360)
        found = detect_orientation(turned, dpi=200)
        assert found is not None and found.trusted
        assert found.degrees == degrees


def test_osd_on_an_empty_page_says_it_cannot_tell() -> None:
    assert detect_orientation(np.full((400, 600), 255, dtype=np.uint8), dpi=300) is None
