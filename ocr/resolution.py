"""Resolution: how large the text is, and enlarging pages whose glyphs are too small to read.

Tesseract reads best with glyphs ~20 px high (ordinary print at ~300 dpi); under ~15 px it loses
characters. The glyphs themselves are measured, because a file's dpi is often missing or wrong
(a 200 dpi scan of large print reads fine as it is, and enlarging it only costs time).
"""

from __future__ import annotations

import cv2
import numpy as np

# The median height of letter-sized ink blobs; lower-case letters dominate, so this is close to
# the x-height plus ascenders, ~20 px on ordinary print at 300 dpi. Enlarging to 18 px
# recovers the lost characters; more only costs Tesseract time.
MIN_GLYPH_HEIGHT = 14.0
TARGET_GLYPH_HEIGHT = 18.0
MAX_UPSCALE = 2.5
# An upscaled page must stay a size Tesseract handles in seconds.
MAX_UPSCALED_PIXELS = 60_000_000
# Blobs outside these bounds are specks, lines or pictures, not letters.
MIN_BLOB_HEIGHT = 4
MAX_BLOB_HEIGHT = 200
MIN_GLYPHS = 20
# Glyphs are counted in a central window this large (a page's body text is in its middle).
SAMPLE_SIDE = 1600


def glyph_height(pixels: np.ndarray) -> float | None:
    """Median height in pixels of the letter-sized ink blobs; None when the page has too few."""
    height, width = pixels.shape[:2]
    top, left = max(0, (height - SAMPLE_SIDE) // 2), max(0, (width - SAMPLE_SIDE) // 2)
    pixels = pixels[top : top + SAMPLE_SIDE, left : left + SAMPLE_SIDE]
    _, ink = cv2.threshold(pixels, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:count, cv2.CC_STAT_HEIGHT]
    widths = stats[1:count, cv2.CC_STAT_WIDTH]
    letters = heights[
        (heights >= MIN_BLOB_HEIGHT) & (heights <= MAX_BLOB_HEIGHT) & (widths <= MAX_BLOB_HEIGHT)
    ]
    if len(letters) < MIN_GLYPHS:
        return None
    return float(np.median(letters))


def upscale_factor(height: float | None, shape: tuple[int, ...], *, max_pixels: int) -> float:
    """How much to enlarge a page whose glyphs are `height` px high; 1.0 when they are fine."""
    if height is None or height >= MIN_GLYPH_HEIGHT:
        return 1.0
    wanted = min(MAX_UPSCALE, TARGET_GLYPH_HEIGHT / height)
    largest = (max_pixels / (shape[0] * shape[1])) ** 0.5
    return max(1.0, min(wanted, largest))


def resize(pixels: np.ndarray, factor: float) -> np.ndarray:
    height, width = pixels.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    interpolation = cv2.INTER_CUBIC if factor > 1.0 else cv2.INTER_AREA
    return cv2.resize(pixels, size, interpolation=interpolation)
