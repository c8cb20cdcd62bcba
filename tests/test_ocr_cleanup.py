"""Dark scanner borders are painted out and grain is smoothed, only where they are found."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from ocr.borders import remove_dark_borders
from ocr.noise import NOISY_SIGMA, noise_sigma
from ocr.page_image import PageImage
from ocr.preprocess import preprocess

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _phototest() -> np.ndarray:
    return np.asarray(Image.open(DATA / "ocr/tesseract/phototest.tif").convert("L"))


def _in_scanner_frame(pixels: np.ndarray) -> np.ndarray:
    """The page on a black scanner bed: a thick dark band left and top, a thin one right."""
    framed = cv2.copyMakeBorder(pixels, 60, 10, 80, 25, cv2.BORDER_CONSTANT, value=20)
    return framed


def _noisy(pixels: np.ndarray, sigma: float) -> np.ndarray:
    rng = np.random.default_rng(7)
    return np.clip(pixels + rng.normal(0, sigma, pixels.shape), 0, 255).astype(np.uint8)


def test_dark_scanner_borders_are_painted_paper_white() -> None:
    framed = _in_scanner_frame(_phototest())
    cleaned, fraction = remove_dark_borders(framed)
    assert fraction > 0.1
    assert cleaned[5, 5] > 200 and cleaned[-3, -3] > 200  # the corners are paper now
    # The text inside is untouched.
    assert np.array_equal(cleaned[100:400, 150:600], framed[100:400, 150:600])


def test_page_without_border_is_left_alone() -> None:
    page = _phototest()
    cleaned, fraction = remove_dark_borders(page)
    assert fraction == 0.0 and cleaned is page


def test_text_touching_the_edge_is_not_a_border() -> None:
    page = _phototest()[:, 20:]  # cropped through the first letters of each line
    _, fraction = remove_dark_borders(page)
    assert fraction == 0.0


def test_noise_estimate_tells_a_grainy_scan_from_a_clean_one() -> None:
    page = _phototest()
    assert noise_sigma(page) < NOISY_SIGMA
    assert noise_sigma(_noisy(page, 25.0)) > NOISY_SIGMA


def test_noisy_scan_is_filtered_and_a_clean_one_is_not() -> None:
    clean = preprocess(PageImage(number=1, pixels=_phototest(), dpi=200.0))
    noisy = preprocess(PageImage(number=1, pixels=_noisy(_phototest(), 25.0), dpi=200.0))
    assert not _step(clean, "denoise").applied
    assert _step(noisy, "denoise").applied
    assert noise_sigma(noisy.page.pixels) < noise_sigma(_noisy(_phototest(), 25.0)) / 2


def _step(prepared, name):  # type: ignore[no-untyped-def]
    return next(step for step in prepared.steps if step.name == name)
