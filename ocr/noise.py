"""Noise: measuring sensor and dust noise, and smoothing it away where it is strong."""

from __future__ import annotations

import math

import cv2
import numpy as np

# Estimated sigma of clean scans is ~2-6 (text edges count a little); a scan with visible grain
# starts around 10. Below the threshold a filter only softens the glyphs.
NOISY_SIGMA = 10.0
# Above this a 3x3 median leaves too much grain.
VERY_NOISY_SIGMA = 35.0
# The estimate is taken on a central window this large: noise is the same all over a scan.
SAMPLE_SIDE = 1024
_LAPLACIAN_DIFFERENCE = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


def noise_sigma(pixels: np.ndarray) -> float:
    """Standard deviation of the noise (Immerkaer's estimate: a Laplacian difference cancels the
    picture's smooth parts, what remains is mostly noise)."""
    pixels = central_window(pixels, SAMPLE_SIDE)
    height, width = pixels.shape[:2]
    if height < 3 or width < 3:
        return 0.0
    response = cv2.filter2D(pixels.astype(np.float32), -1, _LAPLACIAN_DIFFERENCE)
    inner = np.abs(response[1:-1, 1:-1])
    return float(math.sqrt(math.pi / 2.0) * inner.sum() / (6.0 * (width - 2) * (height - 2)))


def central_window(pixels: np.ndarray, side: int) -> np.ndarray:
    height, width = pixels.shape[:2]
    top, left = max(0, (height - side) // 2), max(0, (width - side) // 2)
    return pixels[top : top + side, left : left + side]


def denoise(pixels: np.ndarray, sigma: float) -> np.ndarray:
    """A median filter: it removes grain and specks but keeps the glyphs' edges sharp."""
    kernel = 5 if sigma >= VERY_NOISY_SIGMA else 3
    return cv2.medianBlur(pixels, kernel)
