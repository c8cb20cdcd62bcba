"""Page orientation (0, 90, 180 or 270 degrees) from Tesseract's orientation detection (OSD)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pytesseract

from ocr.tesseract import TesseractFailed, TesseractMissing, single_threaded

# OSD's confidence on a clearly turned page of text is ~10-40; below 2 it is guessing (a page of
# few words, a picture), and turning a page on a guess ruins a good reading.
MIN_CONFIDENCE = 2.0
DEFAULT_TIMEOUT_SECONDS = 60
# OSD's time grows with the text it looks at, its certainty does not after a few lines: it is
# shown the middle of the page, at most this many pixels each way (~17 cm at 300 dpi).
WINDOW_SIDE = 2000
_TURNS = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


@dataclass(frozen=True)
class Orientation:
    """Clockwise turn that makes the page upright, and OSD's confidence in it."""

    degrees: int  # 0, 90, 180 or 270
    confidence: float

    @property
    def trusted(self) -> bool:
        return self.confidence >= MIN_CONFIDENCE


def detect_orientation(
    pixels: np.ndarray, *, dpi: float | None, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Orientation | None:
    """Ask OSD (`--psm 0`) how the page is turned; None when it has too little text to tell."""
    single_threaded()
    config = f"--dpi {round(dpi)}" if dpi else ""
    height, width = pixels.shape[:2]
    top, left = max(0, (height - WINDOW_SIDE) // 2), max(0, (width - WINDOW_SIDE) // 2)
    window = pixels[top : top + WINDOW_SIDE, left : left + WINDOW_SIDE]
    try:
        found = pytesseract.image_to_osd(
            window, config=config, timeout=timeout, output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise TesseractMissing("the tesseract binary was not found; install tesseract-ocr") from exc
    except pytesseract.TesseractError as exc:
        if "Too few characters" in exc.message or "Invalid resolution" in exc.message:
            return None
        if "osd.traineddata" in exc.message:
            raise TesseractMissing(
                "Tesseract orientation data (osd) is not installed: install tesseract-ocr-osd"
            ) from exc
        raise TesseractFailed(f"Tesseract orientation detection failed: {exc.message}") from exc
    except RuntimeError as exc:  # pytesseract reports a timeout as a bare RuntimeError
        raise TesseractFailed(f"orientation detection did not finish within {timeout} s") from exc
    degrees = int(found.get("rotate", 0)) % 360
    if degrees not in (0, *_TURNS):
        return None
    return Orientation(degrees=degrees, confidence=float(found.get("orientation_conf", 0.0)))


def turn(pixels: np.ndarray, degrees: int) -> np.ndarray:
    """Turn the page clockwise by a multiple of 90 degrees (lossless)."""
    if degrees % 360 == 0:
        return pixels
    return cv2.rotate(pixels, _TURNS[degrees % 360])
