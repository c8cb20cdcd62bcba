"""Make a page image easier for Tesseract: small steps, each switchable, timed and recorded.

The order is the story of a scan: paint out the scanner's dark borders, smooth grain, enlarge
small print, turn a page lying on its side or head, level tilted lines, and, where asked for,
binarise. Each step measures first and changes the page only when the measurement says it
helps; the record says what it measured and what it did.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ocr.binarise import binarise
from ocr.borders import remove_dark_borders
from ocr.grayscale import to_grayscale
from ocr.models import StepRecord
from ocr.noise import NOISY_SIGMA, denoise, noise_sigma
from ocr.orientation import turn
from ocr.page_image import PageImage
from ocr.resolution import MAX_UPSCALED_PIXELS, glyph_height, resize, upscale_factor
from ocr.skew import estimate_skew, needs_deskew, rotate


@dataclass(frozen=True)
class PreprocessOptions:
    """Which steps may run. The defaults are the configuration that won the benchmark
    (`benchmarks/ocr_quality.py`): binarisation is off because Tesseract's own thresholding
    reads clean and noisy pages alike at least as well."""

    borders: bool = True
    denoise: bool = True
    upscale: bool = True
    orientation: bool = True
    deskew: bool = True
    binarise: bool = False

    @classmethod
    def none(cls) -> PreprocessOptions:
        return cls(
            borders=False,
            denoise=False,
            upscale=False,
            orientation=False,
            deskew=False,
            binarise=False,
        )


DEFAULT_OPTIONS = PreprocessOptions()


@dataclass(frozen=True)
class Preprocessed:
    """The page ready for Tesseract, and the record of every step that was allowed to run."""

    page: PageImage
    steps: tuple[StepRecord, ...]


@dataclass(frozen=True)
class _Change:
    pixels: np.ndarray
    dpi: float | None
    applied: bool
    detail: str


_Step = Callable[[np.ndarray, float | None], _Change]


def preprocess(
    page: PageImage,
    options: PreprocessOptions = DEFAULT_OPTIONS,
    *,
    turn_degrees: int = 0,
    max_pixels: int = MAX_UPSCALED_PIXELS,
) -> Preprocessed:
    """Run the allowed steps in order. `turn_degrees` is the clockwise turn orientation
    detection found (it needs a first reading to decide; see ocr/page_reading.py)."""
    steps: list[tuple[str, _Step]] = []
    if options.borders:
        steps.append(("borders", _remove_borders))
    if options.denoise:
        steps.append(("denoise", _denoise))
    if options.upscale:
        steps.append(("upscale", lambda pixels, dpi: _upscale(pixels, dpi, max_pixels)))
    if options.orientation and turn_degrees % 360:
        steps.append(("orientation", lambda pixels, dpi: _turn(pixels, dpi, turn_degrees)))
    if options.deskew:
        steps.append(("deskew", _deskew))
    if options.binarise:
        steps.append(("binarise", _binarise))

    pixels, dpi = to_grayscale(page.pixels), page.dpi
    records = []
    for name, step in steps:
        started = time.perf_counter()
        change = step(pixels, dpi)
        records.append(
            StepRecord(
                name=name,
                applied=change.applied,
                seconds=time.perf_counter() - started,
                detail=change.detail,
            )
        )
        pixels, dpi = change.pixels, change.dpi
    return Preprocessed(
        page=PageImage(number=page.number, pixels=pixels, dpi=dpi), steps=tuple(records)
    )


def _remove_borders(pixels: np.ndarray, dpi: float | None) -> _Change:
    cleaned, fraction = remove_dark_borders(pixels)
    if fraction == 0.0:
        return _Change(pixels, dpi, False, "no dark border")
    return _Change(cleaned, dpi, True, f"painted out dark borders ({fraction:.1%} of the page)")


def _denoise(pixels: np.ndarray, dpi: float | None) -> _Change:
    sigma = noise_sigma(pixels)
    if sigma < NOISY_SIGMA:
        return _Change(pixels, dpi, False, f"noise sigma {sigma:.1f}: clean enough")
    return _Change(denoise(pixels, sigma), dpi, True, f"noise sigma {sigma:.1f}: median filter")


def _upscale(pixels: np.ndarray, dpi: float | None, max_pixels: int) -> _Change:
    height = glyph_height(pixels)
    factor = upscale_factor(height, pixels.shape, max_pixels=max_pixels)
    measured = "too few glyphs to measure" if height is None else f"glyphs {height:.0f} px high"
    if factor <= 1.0:
        return _Change(pixels, dpi, False, f"{measured}: size kept")
    new_dpi = dpi * factor if dpi is not None else None
    return _Change(resize(pixels, factor), new_dpi, True, f"{measured}: enlarged {factor:.2f}x")


def _turn(pixels: np.ndarray, dpi: float | None, degrees: int) -> _Change:
    return _Change(turn(pixels, degrees), dpi, True, f"turned {degrees % 360} degrees clockwise")


def _deskew(pixels: np.ndarray, dpi: float | None) -> _Change:
    angle = estimate_skew(pixels)
    if not needs_deskew(angle):
        return _Change(pixels, dpi, False, f"tilt {angle:+.1f} degrees: level enough")
    return _Change(rotate(pixels, angle), dpi, True, f"tilt {-angle:+.1f} degrees: straightened")


def _binarise(pixels: np.ndarray, dpi: float | None) -> _Change:
    return _Change(binarise(pixels, dpi), dpi, True, "adaptive threshold")
