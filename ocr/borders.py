"""Dark scanner borders: the lid or the scanner bed around a page smaller than the glass.

A border is dark, touches the image's edge and runs a long way along it; text never does all
three. It is painted over with the paper's shade, so Tesseract does not read it as a column of
garbage and the skew search does not align on its edge.
"""

from __future__ import annotations

import cv2
import numpy as np

# Darker than this is "black" (scanner lids are 0-60); text is dark too, hence the shape test.
DARK_LEVEL = 90
# A border strip spans at least this fraction of the side it lies along.
MIN_SPAN = 0.3
# Border edges are blurred by the scanner's optics: paint a little beyond the dark pixels.
FRINGE_PIXELS = 3
# A border shows in the outermost rows or columns; when none of them is this dark, the page has
# no border and the (costlier) blob analysis is skipped.
EDGE_DARK_FRACTION = 0.2


def dark_border_mask(pixels: np.ndarray) -> np.ndarray:
    """Boolean mask of the dark regions that touch the edge and run along it."""
    if not _dark_edge(pixels):
        return np.zeros(pixels.shape, dtype=bool)
    dark = (pixels < DARK_LEVEL).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    height, width = pixels.shape
    borders = [
        label
        for label in range(1, count)
        if _touches_edge(stats[label], width, height) and _spans_side(stats[label], width, height)
    ]
    if not borders:
        return np.zeros(pixels.shape, dtype=bool)
    mask = np.isin(labels, borders).astype(np.uint8)
    kernel = np.ones((2 * FRINGE_PIXELS + 1, 2 * FRINGE_PIXELS + 1), dtype=np.uint8)
    return cv2.dilate(mask, kernel).astype(bool)


def remove_dark_borders(pixels: np.ndarray) -> tuple[np.ndarray, float]:
    """The page with its dark borders painted paper-coloured, and the fraction of it painted."""
    mask = dark_border_mask(pixels)
    painted = float(mask.mean())
    if painted == 0.0:
        return pixels, 0.0
    cleaned = pixels.copy()
    cleaned[mask] = int(np.median(pixels[~mask])) if painted < 1.0 else 255
    return cleaned, painted


def _dark_edge(pixels: np.ndarray) -> bool:
    edges = (pixels[0, :], pixels[-1, :], pixels[:, 0], pixels[:, -1])
    return any(float(np.mean(edge < DARK_LEVEL)) >= EDGE_DARK_FRACTION for edge in edges)


def _touches_edge(stat: np.ndarray, width: int, height: int) -> bool:
    left, top, box_width, box_height = (int(value) for value in stat[:4])
    return left == 0 or top == 0 or left + box_width == width or top + box_height == height


def _spans_side(stat: np.ndarray, width: int, height: int) -> bool:
    box_width, box_height = int(stat[cv2.CC_STAT_WIDTH]), int(stat[cv2.CC_STAT_HEIGHT])
    return box_width >= MIN_SPAN * width or box_height >= MIN_SPAN * height
