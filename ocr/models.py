"""Plain values the OCR package hands to its callers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# A form feed on its own line between pages: a reader sees a gap, a program can split.
PAGE_SEPARATOR = "\n\f\n"


@dataclass(frozen=True)
class Word:
    """One recognised word and its box, in pixels of the page as it was read."""

    text: str
    confidence: float  # 0-100
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class StepRecord:
    """One preprocessing step as it ran on a page: whether it changed the page, and why."""

    name: str  # "borders", "denoise", "upscale", "orientation", "deskew", "binarise"
    applied: bool
    seconds: float
    detail: str  # for a person: "tilted 7.0 degrees: straightened", "noise sigma 3: left alone"


@dataclass(frozen=True)
class PageText:
    """The text of one page.

    Word boxes refer to an image of `width` x `height` pixels at `dpi` (None when the file did
    not say): the preprocessed image for OCR'd pages, the page rendered at `dpi` for text layers.
    """

    number: int  # 1-based
    text: str
    words: tuple[Word, ...]
    confidence: float  # mean word confidence 0-100; 100.0 for a text layer
    source: Literal["ocr", "text_layer"]
    width: int
    height: int
    dpi: int | None
    steps: tuple[StepRecord, ...] = ()  # preprocessing, in the order it ran; () for text layers


@dataclass(frozen=True)
class DocumentText:
    """The text of a whole document, page by page."""

    media_type: str
    pages: tuple[PageText, ...]
    pdf: bytes | None = None  # the searchable PDF (scan + text layer), when it was asked for

    @property
    def text(self) -> str:
        return PAGE_SEPARATOR.join(page.text for page in self.pages)

    @property
    def confidence(self) -> float:
        """Mean confidence over all words, so a page with one word weighs less than a full page."""
        weighted = sum(page.confidence * len(page.words) for page in self.pages)
        words = sum(len(page.words) for page in self.pages)
        return weighted / words if words else 0.0


class UnreadableDocument(Exception):
    """The input can never be read: corrupt, truncated, encrypted, too large or not a document.

    `reason` is written for a person (it is shown verbatim in the quarantine).
    """

    def __init__(self, reason: str, *, filename: str = "") -> None:
        self.reason = reason
        self.filename = filename
        super().__init__(f"{filename}: {reason}" if filename else reason)
