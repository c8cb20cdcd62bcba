"""Preprocessing levels tilted lines, enlarges small print, and records every step it ran."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr.page_image import PageImage
from ocr.preprocess import PreprocessOptions, preprocess
from ocr.skew import deskew, estimate_skew, rotate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _phototest() -> np.ndarray:
    return np.asarray(Image.open(DATA / "ocr/tesseract/phototest.tif").convert("L"))


def _tilted(pixels: np.ndarray, degrees: float) -> np.ndarray:
    image = Image.fromarray(pixels).rotate(
        degrees, expand=True, fillcolor=255, resample=Image.BICUBIC
    )
    return np.asarray(image)


def _half_size(pixels: np.ndarray) -> np.ndarray:
    image = Image.fromarray(pixels)
    return np.asarray(image.resize((image.width // 2, image.height // 2), Image.LANCZOS))


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


def test_half_resolution_scan_is_enlarged_and_its_dpi_follows() -> None:
    small = PageImage(number=1, pixels=_half_size(_phototest()), dpi=100.0)
    prepared = preprocess(small)
    upscale = next(step for step in prepared.steps if step.name == "upscale")
    assert upscale.applied
    assert "enlarged" in upscale.detail
    factor = prepared.page.width / small.width
    assert 1.5 <= factor <= 2.5
    assert prepared.page.dpi == pytest.approx(100.0 * factor, rel=0.01)


def test_ordinary_print_keeps_its_size_whatever_the_file_claims() -> None:
    # phototest says 200 dpi, but its glyphs are ~18 px high: enlarging would only cost time.
    prepared = preprocess(PageImage(number=1, pixels=_phototest(), dpi=200.0))
    assert (prepared.page.width, prepared.page.height) == (640, 480)
    assert prepared.page.dpi == 200.0


def test_upscaling_stops_at_the_pixel_limit() -> None:
    small = PageImage(number=1, pixels=_half_size(_phototest()), dpi=100.0)
    prepared = preprocess(small, max_pixels=320 * 240 * 2)
    assert prepared.page.width * prepared.page.height <= 320 * 240 * 2


def test_every_allowed_step_is_recorded_in_order_with_its_time() -> None:
    options = PreprocessOptions(binarise=True)
    prepared = preprocess(
        PageImage(number=1, pixels=_tilted(_phototest(), 4.0), dpi=200.0), options
    )
    assert [step.name for step in prepared.steps] == [
        "borders",
        "denoise",
        "upscale",
        "deskew",
        "binarise",
    ]
    assert all(step.seconds >= 0 for step in prepared.steps)
    deskewed = prepared.steps[3]
    assert deskewed.applied
    assert deskewed.detail.startswith(("tilt +3.9", "tilt +4.0", "tilt +4.1"))


def test_switched_off_steps_do_not_run() -> None:
    tilted = _tilted(_phototest(), 4.0)
    prepared = preprocess(PageImage(number=1, pixels=tilted, dpi=200.0), PreprocessOptions.none())
    assert prepared.steps == ()
    assert np.array_equal(prepared.page.pixels, tilted)


def test_binarised_page_is_black_and_white() -> None:
    options = replace(PreprocessOptions.none(), binarise=True)
    prepared = preprocess(PageImage(number=1, pixels=_phototest(), dpi=200.0), options)
    assert set(np.unique(prepared.page.pixels)) <= {0, 255}
