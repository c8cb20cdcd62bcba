"""Size limits checked before any pixel is decoded, so a decompression bomb costs nothing."""

from __future__ import annotations

from dataclasses import dataclass

from ocr.models import UnreadableDocument


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 60_000_000  # per page
    max_pages: int = 200

    def __post_init__(self) -> None:
        if self.max_pixels < 1 or self.max_pages < 1:
            raise ValueError(f"limits must be positive, got {self}")


def check_page_size(width: int, height: int, limits: Limits, *, page: int) -> None:
    if width <= 0 or height <= 0:
        raise UnreadableDocument(f"page {page}: image has no pixels ({width}x{height})")
    if width * height > limits.max_pixels:
        raise UnreadableDocument(
            f"page {page}: image of {width}x{height} pixels exceeds the limit of "
            f"{limits.max_pixels:,} pixels"
        )


def check_page_count(count: int, limits: Limits, *, at_least: bool = False) -> None:
    """`at_least` says that counting stopped early (counting every page of a bomb is the attack)."""
    if count > limits.max_pages:
        counted = f"at least {count}" if at_least else str(count)
        raise UnreadableDocument(
            f"document has {counted} pages, more than the limit of {limits.max_pages}"
        )
