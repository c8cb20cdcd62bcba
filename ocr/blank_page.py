"""Blank pages: the empty backs of duplex scans, told from pages with little text on them.

Paper grain, scanner noise, dust and the faint show-through of the other side are not ink; a
page number or a one-line signature is. Noise is smoothed away, only marks clearly darker than
the paper count, specks are erased, and what is left is measured as a share of the page.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.grayscale import to_grayscale

# Scanner shadows and border strips live at the edges; they are not the page's content.
MARGIN_FRACTION = 0.04
# Ink is at least this much darker than the paper; show-through and grey paper are not.
INK_CONTRAST = 80
# A lone page number ("2" in 10 pt) covers ~0.003% of an A4 page (~200 px at 300 dpi); grain
# and specks left after filtering cover next to nothing. Below a third of the former is blank.
BLANK_COVERAGE = 0.00001


def ink_coverage(pixels: np.ndarray) -> float:
    """Share of the page (margins excluded) covered by clear, speck-free ink."""
    gray = to_grayscale(pixels)
    height, width = gray.shape
    top, left = round(height * MARGIN_FRACTION), round(width * MARGIN_FRACTION)
    inner = gray[top : height - top, left : width - left]
    if inner.size == 0:
        return 0.0
    smooth = cv2.medianBlur(inner, 5)
    paper = _paper_level(smooth)
    ink = (smooth < paper - INK_CONTRAST).astype(np.uint8)
    # An opening erases marks thinner than 3 px in every direction: dust, isolated noise.
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((3, 3), dtype=np.uint8))
    return float(solid.mean())


def _paper_level(gray: np.ndarray) -> float:
    """The 90th percentile of the shades: the paper, whatever share of the page is ink."""
    histogram = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    return float(np.searchsorted(np.cumsum(histogram), 0.9 * gray.size))


def is_blank(pixels: np.ndarray) -> bool:
    return ink_coverage(pixels) < BLANK_COVERAGE
