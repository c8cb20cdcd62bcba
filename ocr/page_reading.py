"""Reading one page image: preprocess, recognise, and turn the page if the reading says so.

Orientation detection (Tesseract OSD) costs about as much as reading the page, and almost every
scanned page is upright, so it runs only when a first reading is doubtful: then the page is
turned as OSD says and read again, and the more confident reading wins.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from ocr.models import PageText, StepRecord
from ocr.orientation import Orientation, detect_orientation
from ocr.page_image import PageImage
from ocr.preprocess import DEFAULT_OPTIONS, Preprocessed, PreprocessOptions, preprocess
from ocr.resolution import MAX_UPSCALED_PIXELS
from ocr.tesseract import DEFAULT_LANGUAGES, Recognition, recognise_page

# Upright print reads at 85-96% mean word confidence, a page on its head or side at 30-50%.
DOUBTFUL_CONFIDENCE = 70.0


@dataclass(frozen=True)
class PageReading:
    """A page's text (with its preprocessing record) and, when asked for, its searchable PDF."""

    text: PageText
    pdf: bytes | None


def read_page(
    page: PageImage,
    *,
    options: PreprocessOptions = DEFAULT_OPTIONS,
    languages: str = DEFAULT_LANGUAGES,
    max_pixels: int = MAX_UPSCALED_PIXELS,
    want_pdf: bool = False,
) -> PageReading:
    first = preprocess(page, options, max_pixels=max_pixels)
    reading = _recognise(first, languages, want_pdf)
    if not options.orientation:
        return _reading(first, reading)
    if not _doubtful(reading.page):
        note = f"not checked: first reading {reading.page.confidence:.0f}% confident"
        return _reading(first, reading, orientation=(note, 0.0))

    started = time.perf_counter()
    found = detect_orientation(first.page.pixels, dpi=first.page.dpi)
    seconds = time.perf_counter() - started
    doubt = f"first reading {reading.page.confidence:.0f}% confident"
    if found is None or found.degrees == 0 or not found.trusted:
        return _reading(first, reading, orientation=(f"{doubt}; {_verdict(found)}", seconds))

    second = preprocess(page, options, turn_degrees=found.degrees, max_pixels=max_pixels)
    rereading = _recognise(second, languages, want_pdf)
    if rereading.page.confidence <= reading.page.confidence:
        note = f"{doubt}; {_verdict(found)}, but the turned page read worse: kept as scanned"
        return _reading(first, reading, orientation=(note, seconds))
    note = f"{doubt}; {_verdict(found)}: turned {found.degrees} degrees clockwise"
    return _reading(second, rereading, orientation=(note, seconds))


def _recognise(prepared: Preprocessed, languages: str, want_pdf: bool) -> Recognition:
    return recognise_page(
        prepared.page.pixels,
        number=prepared.page.number,
        dpi=prepared.page.dpi,
        languages=languages,
        want_pdf=want_pdf,
    )


def _doubtful(page: PageText) -> bool:
    return not page.words or page.confidence < DOUBTFUL_CONFIDENCE


def _verdict(found: Orientation | None) -> str:
    if found is None:
        return "OSD found too little text to tell"
    if not found.trusted:
        return f"OSD unsure ({found.degrees} degrees at confidence {found.confidence:.1f})"
    if found.degrees == 0:
        return f"OSD says upright (confidence {found.confidence:.1f})"
    return f"OSD says turn {found.degrees} degrees (confidence {found.confidence:.1f})"


def _reading(
    prepared: Preprocessed,
    recognition: Recognition,
    *,
    orientation: tuple[str, float] | None = None,
) -> PageReading:
    steps = prepared.steps
    if orientation is not None:
        steps = _with_orientation(steps, *orientation)
    return PageReading(text=replace(recognition.page, steps=steps), pdf=recognition.pdf)


def _with_orientation(
    steps: tuple[StepRecord, ...], detail: str, seconds: float
) -> tuple[StepRecord, ...]:
    """The orientation record tells what OSD said and includes its time."""
    turned = next((step for step in steps if step.name == "orientation"), None)
    if turned is not None:
        record = replace(turned, seconds=turned.seconds + seconds, detail=detail)
        return tuple(record if step is turned else step for step in steps)
    record = StepRecord(name="orientation", applied=False, seconds=seconds, detail=detail)
    position = next(
        (index for index, step in enumerate(steps) if step.name in ("deskew", "binarise")),
        len(steps),
    )
    return (*steps[:position], record, *steps[position:])
