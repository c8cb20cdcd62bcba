"""Run Tesseract on one page image and collect its words, boxes, confidences and text."""

from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from ocr.models import PageText, Word

DEFAULT_LANGUAGES = "eng+pol"
DEFAULT_TIMEOUT_SECONDS = 120
# Fully automatic page segmentation: letters, coupons and forms have blocks and columns.
PAGE_SEGMENTATION_MODE = 3
WORD_LEVEL = 5
# Page size of a searchable PDF whose scan did not say its resolution.
PDF_DEFAULT_DPI = 300


class TesseractMissing(RuntimeError):
    """Tesseract, or the language data asked for, is not installed on this machine."""


class TesseractFailed(RuntimeError):
    """Tesseract ran but failed or timed out on a page."""


@dataclass(frozen=True)
class Recognition:
    """What one Tesseract run made of a page: its text, and its searchable PDF when asked for."""

    page: PageText
    pdf: bytes | None


@dataclass(frozen=True)
class _Row:
    block: int
    paragraph: int
    line: int
    word: Word


def tesseract_available() -> bool:
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError:
        return False
    return True


def recognise(
    pixels: np.ndarray,
    *,
    number: int,
    dpi: float | None,
    languages: str = DEFAULT_LANGUAGES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> PageText:
    """OCR one grayscale page; words and text come in Tesseract's reading order."""
    return recognise_page(
        pixels, number=number, dpi=dpi, languages=languages, timeout=timeout, want_pdf=False
    ).page


def recognise_page(
    pixels: np.ndarray,
    *,
    number: int,
    dpi: float | None,
    languages: str = DEFAULT_LANGUAGES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    want_pdf: bool = False,
) -> Recognition:
    """OCR one grayscale page, and with `want_pdf` also render it as a one-page searchable PDF
    (the image with an invisible text layer) in the same Tesseract run."""
    _check_languages(languages)
    data, pdf = _image_to_data(
        pixels, dpi=dpi, languages=languages, timeout=timeout, want_pdf=want_pdf
    )
    rows = _rows(data)
    words = tuple(row.word for row in rows)
    confidence = sum(word.confidence for word in words) / len(words) if words else 0.0
    page = PageText(
        number=number,
        text=_reading_order_text(rows),
        words=words,
        confidence=confidence,
        source="ocr",
        width=int(pixels.shape[1]),
        height=int(pixels.shape[0]),
        dpi=round(dpi) if dpi is not None else None,
    )
    return Recognition(page=page, pdf=pdf)


def _check_languages(languages: str) -> None:
    installed = _installed_languages(pytesseract.pytesseract.tesseract_cmd)
    missing = [name for name in languages.split("+") if name not in installed]
    if missing:
        raise TesseractMissing(
            f"Tesseract language data not installed: {', '.join(missing)} "
            f"(installed: {', '.join(sorted(installed))})"
        )


@functools.cache
def _installed_languages(tesseract_cmd: str) -> frozenset[str]:
    """Asked once per binary: listing the languages costs a process start."""
    try:
        version = pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError as exc:
        raise TesseractMissing(
            f"the tesseract binary was not found ({tesseract_cmd!r}); install tesseract-ocr"
        ) from exc
    if version.major < 4:
        raise TesseractMissing(f"Tesseract {version} is too old; version 4 or later is needed")
    return frozenset(pytesseract.get_languages())


def single_threaded() -> None:
    """Tesseract's OpenMP threads slow it down several times on a busy machine; parallelism
    belongs across pages. pytesseract passes no env of its own, so the variable must be in ours."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _image_to_data(
    pixels: np.ndarray, *, dpi: float | None, languages: str, timeout: float, want_pdf: bool
) -> tuple[dict[str, list], bytes | None]:
    """Run Tesseract once; its TSV gives the words, its PDF renderer the searchable page."""
    single_threaded()
    config = f"--psm {PAGE_SEGMENTATION_MODE} -c tessedit_create_tsv=1"
    # The PDF page's size is pixels / dpi, so a page of unknown resolution still needs one.
    resolution = dpi if dpi is not None else (PDF_DEFAULT_DPI if want_pdf else None)
    if resolution is not None:
        config += f" --dpi {round(resolution)}"
    with tempfile.TemporaryDirectory(prefix="intake-ocr-") as folder:
        # An uncompressed PGM is written and read in milliseconds; a PNG costs a zlib pass.
        image = Path(folder) / "page.pgm"
        if not cv2.imwrite(str(image), pixels):
            raise TesseractFailed(f"cannot write the page image for Tesseract to {folder}")
        base = Path(folder) / "page"
        try:
            pytesseract.pytesseract.run_tesseract(
                str(image),
                str(base),
                extension="pdf" if want_pdf else "",
                lang=languages,
                config=config,
                timeout=timeout,
            )
        except pytesseract.TesseractNotFoundError as exc:
            raise TesseractMissing(
                "the tesseract binary was not found; install tesseract-ocr"
            ) from exc
        except pytesseract.TesseractError as exc:
            raise TesseractFailed(f"Tesseract failed: {exc.message}") from exc
        except RuntimeError as exc:  # pytesseract reports a timeout as a bare RuntimeError
            raise TesseractFailed(f"Tesseract did not finish within {timeout} s") from exc
        tsv = base.with_suffix(".tsv").read_text(encoding="utf-8")
        pdf = base.with_suffix(".pdf").read_bytes() if want_pdf else None
    return pytesseract.pytesseract.file_to_dict(tsv, "\t", -1), pdf


def _rows(data: dict[str, list]) -> list[_Row]:
    rows = []
    for index, level in enumerate(data["level"]):
        text = str(data["text"][index]).strip()
        if int(level) != WORD_LEVEL or not text:
            continue
        word = Word(
            text=text,
            confidence=max(0.0, min(100.0, float(data["conf"][index]))),
            left=int(data["left"][index]),
            top=int(data["top"][index]),
            width=int(data["width"][index]),
            height=int(data["height"][index]),
        )
        rows.append(
            _Row(
                block=int(data["block_num"][index]),
                paragraph=int(data["par_num"][index]),
                line=int(data["line_num"][index]),
                word=word,
            )
        )
    return rows


def _reading_order_text(rows: list[_Row]) -> str:
    """Words of a line joined by spaces, lines by newlines, paragraphs by a blank line."""
    parts: list[str] = []
    previous: _Row | None = None
    for row in rows:
        if previous is not None:
            same_paragraph = (row.block, row.paragraph) == (previous.block, previous.paragraph)
            if not same_paragraph:
                parts.append("\n\n")
            elif row.line != previous.line:
                parts.append("\n")
            else:
                parts.append(" ")
        parts.append(row.word.text)
        previous = row
    return "".join(parts)
