"""Every step works on 8-bit grayscale; colour and alpha are flattened once, here."""

from __future__ import annotations

import cv2
import numpy as np


def to_grayscale(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels.astype(np.uint8, copy=False)
    if pixels.shape[2] == 4:
        return cv2.cvtColor(pixels, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
