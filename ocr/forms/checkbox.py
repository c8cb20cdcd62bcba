"""Is a box ticked? The share of dark pixels inside its frame says so."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INK_LEVEL = 140  # grey below this is ink: paper scans at 200-250, pen and print at 20-90
TICKED_FILL = 0.06  # a cross or a check covers 15-40% of the inner box, an empty one under 2%


@dataclass(frozen=True)
class CheckboxRead:
    ticked: bool
    fill: float  # share of ink pixels inside the frame
    confidence: float  # 0..1: how far the fill is from the threshold


def read_checkbox(inner: np.ndarray) -> CheckboxRead:
    """`inner` is the grayscale inside of the box, its printed frame cut away."""
    if inner.size == 0:
        return CheckboxRead(False, 0.0, 0.0)
    fill = float((inner < INK_LEVEL).mean())
    ticked = fill >= TICKED_FILL
    # Halfway between the threshold and a clear case (twice or none of it) is still fairly sure.
    distance = abs(fill - TICKED_FILL) / TICKED_FILL
    return CheckboxRead(ticked, fill, min(1.0, 0.5 + distance / 2))
