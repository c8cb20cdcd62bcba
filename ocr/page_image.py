"""A page waiting for OCR."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PageImage:
    """8-bit grayscale pixels of one page, dark text on a light background when all is well."""

    number: int  # 1-based
    pixels: np.ndarray  # shape (height, width), dtype uint8
    dpi: float | None  # None when the file did not say

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])
