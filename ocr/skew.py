"""Skew: measuring and undoing a small tilt of the text lines (up to +-15 degrees)."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.grayscale import to_grayscale
from ocr.resolution import resize

# Smaller angles do not hurt Tesseract; larger ones are rotations for orientation detection
# (90/180/270), not skew, and a projection search over them finds false maxima on pictures.
MIN_SKEW_DEGREES = 0.3
MAX_SKEW_DEGREES = 15.0
# The angle search runs on a copy at most this wide: enough for 0.1 degree, fast on any page.
SKEW_SEARCH_WIDTH = 1200
COARSE_STEP_DEGREES = 0.5
FINE_STEP_DEGREES = 0.05
MIN_INK_PIXELS = 200


def deskew(pixels: np.ndarray) -> np.ndarray:
    """Straighten text lines tilted by a small angle; leave the page alone otherwise."""
    angle = estimate_skew(pixels)
    if not needs_deskew(angle):
        return pixels
    return rotate(pixels, angle)


def needs_deskew(angle: float) -> bool:
    return MIN_SKEW_DEGREES <= abs(angle) <= MAX_SKEW_DEGREES


def estimate_skew(pixels: np.ndarray) -> float:
    """Angle in degrees (counter-clockwise positive) that levels the page's text lines.

    Projection profile: project the ink onto the vertical axis along candidate directions; along
    the text lines' direction the profile has its sharpest peaks (lines) and gaps (leading).
    """
    ys, xs = _ink_coordinates(pixels)
    if len(xs) < MIN_INK_PIXELS:
        return 0.0
    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, COARSE_STEP_DEGREES)
    best = _best_angle(xs, ys, coarse)
    fine = np.arange(
        best - COARSE_STEP_DEGREES, best + COARSE_STEP_DEGREES + 1e-9, FINE_STEP_DEGREES
    )
    return float(_best_angle(xs, ys, fine))


def _ink_coordinates(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    gray = to_grayscale(pixels)
    scale = min(1.0, SKEW_SEARCH_WIDTH / gray.shape[1])
    if scale < 1.0:
        gray = resize(gray, scale)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    return ys.astype(np.float64), xs.astype(np.float64)


def _best_angle(xs: np.ndarray, ys: np.ndarray, angles: np.ndarray) -> float:
    scores = [_profile_sharpness(xs, ys, angle) for angle in angles]
    return float(angles[int(np.argmax(scores))])


def _profile_sharpness(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    # Row of each ink pixel after turning the page by `angle` (y grows downwards in images).
    theta = np.deg2rad(angle)
    rows = ys * np.cos(theta) - xs * np.sin(theta)
    rows = np.round(rows - rows.min()).astype(np.int64)
    profile = np.bincount(rows).astype(np.float64)
    return float(np.sum(np.diff(profile) ** 2))


def rotate(pixels: np.ndarray, angle: float) -> np.ndarray:
    """Turn the page `angle` degrees counter-clockwise, growing the canvas to keep the corners."""
    height, width = pixels.shape[:2]
    centre = (width / 2.0, height / 2.0)
    matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width = round(height * sin + width * cos)
    new_height = round(height * cos + width * sin)
    matrix[0, 2] += new_width / 2.0 - centre[0]
    matrix[1, 2] += new_height / 2.0 - centre[1]
    paper = int(np.median(pixels))  # fill the new corners with the page's background
    return cv2.warpAffine(
        pixels,
        matrix,
        (new_width, new_height),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=paper,
    )
