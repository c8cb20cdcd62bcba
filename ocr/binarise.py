"""Adaptive binarisation: black text on white paper, even under shadows and uneven lighting."""

from __future__ import annotations

import cv2
import numpy as np

# The neighbourhood that decides whether a pixel is ink: a few glyphs wide at ~300 dpi.
BLOCK_FRACTION_OF_DPI = 0.1
DEFAULT_DPI = 300.0
# How much darker than its neighbourhood a pixel must be to count as ink.
OFFSET = 15


def binarise(pixels: np.ndarray, dpi: float | None) -> np.ndarray:
    block = round((dpi or DEFAULT_DPI) * BLOCK_FRACTION_OF_DPI) | 1  # odd, as OpenCV wants
    return cv2.adaptiveThreshold(
        pixels,
        255,
        cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
        cv2.THRESH_BINARY,
        max(block, 3),
        OFFSET,
    )
