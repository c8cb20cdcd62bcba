"""Preprocessing puts a page at a readable resolution with level text lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr.page_image import PageImage
from ocr.preprocess import deskew, estimate_skew, prepare_for_ocr, rotate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _phototest() -> np.ndarray:
    return np.asarray(Image.open(DATA / "ocr/tesseract/phototest.tif").convert("L"))


def _tilted(pixels: np.ndarray, degrees: float) -> np.ndarray:
    image = Image.fromarray(pixels).rotate(
        degrees, expand=True, fillcolor=255, resample=Image.BICUBIC
    )
    return np.asarray(image)


@pytest.mark.parametrize("degrees", [-10.0, -3.0, 1.0, 3.0, 7.0])
def test_skew_estimate_is_within_a_tenth_of_a_degree(degrees: float) -> None:
    # Turning the page back by the tilt levels it: the estimate is the opposite angle.
    assert estimate_skew(_tilted(_phototest(), degrees)) == pytest.approx(-degrees, abs=0.1)


def test_straight_page_is_left_untouched() -> None:
    page = _phototest()
    assert deskew(page) is page


def test_blank_page_has_no_skew() -> None:
    assert estimate_skew(np.full((500, 400), 255, dtype=np.uint8)) == 0.0


def test_deskewed_page_measures_level() -> None:
    straightened = deskew(_tilted(_phototest(), 5.0))
    assert abs(estimate_skew(straightened)) < 0.3


def test_rotation_keeps_the_corners_and_fills_them_with_paper() -> None:
    page = np.full((100, 200), 250, dtype=np.uint8)
    turned = rotate(page, 30.0)
    assert turned.shape[0] > 100 and turned.shape[1] > 200
    assert turned[0, 0] == 250


def test_200_dpi_scan_is_upscaled_to_300_dpi() -> None:
    prepared = prepare_for_ocr(PageImage(number=1, pixels=_phototest(), dpi=200.0))
    assert prepared.dpi == pytest.approx(300.0)
    assert (prepared.width, prepared.height) == (960, 720)


def test_page_of_unknown_resolution_keeps_its_size() -> None:
    prepared = prepare_for_ocr(PageImage(number=1, pixels=_phototest(), dpi=None))
    assert (prepared.width, prepared.height) == (640, 480)


def test_upscaling_stops_at_the_pixel_limit() -> None:
    prepared = prepare_for_ocr(
        PageImage(number=1, pixels=_phototest(), dpi=100.0), max_pixels=640 * 480 * 4
    )
    assert prepared.width * prepared.height <= 640 * 480 * 4
    assert prepared.dpi == pytest.approx(200.0)
