"""Underscores in written addresses, found by their shape.

Tesseract reading a line drops a lone low flat stroke (it takes it for an underline or for noise),
so JOHN_ROBERTS@... comes back as JOHNROBERTS@... with full confidence. An underscore is easy to
see on the crop: a mark much wider than high, no taller than a quarter of a character, lying on the
line the characters stand on. It is put back between the two characters it lies between.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ocr.forms.field_ocr import Symbol

INK_LEVEL = 140  # darker than this is ink (paper is ~230, pen ~30 on the sample scans)
# A character is a mark at least this share of the crop's height; hyphens and dots are not.
CHARACTER_SHARE = 0.35
# An underscore's height and width against a character's height, and how far above the
# characters' bottom line its top may reach.
MAX_HEIGHT = 0.25
MIN_WIDTH = 0.4
MAX_RISE = 0.12


def underscore_spans(crop: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Left and right x (crop pixels) of every underscore on a one-line grayscale crop."""
    ink = (crop < INK_LEVEL).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks = stats[1:count]
    tall = marks[marks[:, cv2.CC_STAT_HEIGHT] >= CHARACTER_SHARE * crop.shape[0]]
    if len(tall) == 0:
        return ()
    height = float(np.median(tall[:, cv2.CC_STAT_HEIGHT]))
    bottom_line = float(np.median(tall[:, cv2.CC_STAT_TOP] + tall[:, cv2.CC_STAT_HEIGHT]))
    spans = []
    for left, top, width, mark_height, _ in marks:
        if (
            mark_height <= MAX_HEIGHT * height
            and width >= MIN_WIDTH * height
            and top >= bottom_line - MAX_RISE * height
        ):
            spans.append((int(left), int(left + width)))
    return tuple(sorted(spans))


def with_underscores(symbols: Sequence[Symbol], spans: Sequence[tuple[int, int]]) -> str:
    """The characters read, spaces left out, with an underscore at each span that Tesseract
    did not read as one itself. `symbols` and `spans` are in the same pixels."""
    characters = [(symbol.text, (symbol.left + symbol.right) / 2) for symbol in symbols]
    for left, right in spans:
        centre = (left + right) / 2
        if any(text == "_" and left <= x <= right for text, x in characters):
            continue
        characters.append(("_", centre))
    characters.sort(key=lambda item: item[1])
    return "".join(text for text, _ in characters if not text.isspace())
