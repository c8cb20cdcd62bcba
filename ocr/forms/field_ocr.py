"""Tesseract on one field: a single line (`--psm 7`) restricted to the field's characters.

Through tesserocr, Tesseract's C++ API, the engine is loaded once per thread and kept: starting
the `tesseract` program for each of a coupon's eight fields cost ~0.25 s a field, reading the
line itself 0.02-0.08 s.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import numpy as np

# OpenMP reads this once, when Tesseract's library loads: one thread per engine; parallelism
# belongs across coupons (processes), where it scales.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import tesserocr
from PIL import Image

TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
_local = threading.local()


class FieldOcrUnavailable(RuntimeError):
    """Tesseract's language data for the form cannot be found on this machine."""


@dataclass(frozen=True)
class Symbol:
    """One character as Tesseract placed it: its horizontal extent in the crop's pixels."""

    text: str
    left: int
    right: int
    confidence: float  # 0..1


@dataclass(frozen=True)
class LineRead:
    text: str
    confidence: float  # 0..1: Tesseract's confidence in its least sure character
    symbols: tuple[Symbol, ...] = ()


def read_line(pixels: np.ndarray, *, whitelist: str, language: str, dpi: int) -> LineRead:
    """Read one line of a grayscale crop with only `whitelist` characters allowed."""
    api = _engine(language)
    api.SetVariable("tessedit_char_whitelist", whitelist)
    api.SetImage(Image.fromarray(pixels))
    api.SetSourceResolution(dpi)
    api.Recognize()
    text = " ".join(api.GetUTF8Text().split())
    symbols = _symbols(api)
    api.Clear()
    if not text or not symbols:
        return LineRead(text, 0.0)
    # Per character, not per word: with a whitelist, Tesseract gives a long word such as an
    # e-mail address a word confidence near 0 even when every character is read at 0.9+.
    return LineRead(text, min(symbol.confidence for symbol in symbols), symbols)


def _symbols(api: tesserocr.PyTessBaseAPI) -> tuple[Symbol, ...]:
    found = []
    level = tesserocr.RIL.SYMBOL
    for symbol in tesserocr.iterate_level(api.GetIterator(), level):
        box = symbol.BoundingBox(level)
        character = symbol.GetUTF8Text(level)
        if box is None or not character:
            continue
        confidence = max(0.0, symbol.Confidence(level)) / 100.0
        found.append(Symbol(character, box[0], box[2], confidence))
    return tuple(found)


def tessdata_dir() -> str:
    """TESSDATA_PREFIX when set, else the first folder where Debian or a local build keeps it."""
    configured = os.environ.get("TESSDATA_PREFIX")
    if configured:
        return configured
    for pattern in TESSDATA_CANDIDATES:
        for folder in sorted(glob(pattern), reverse=True):
            if (Path(folder) / "eng.traineddata").is_file():
                return folder
    raise FieldOcrUnavailable(
        "no Tesseract language data found (looked in "
        f"{', '.join(TESSDATA_CANDIDATES)}); install tesseract-ocr-eng or set TESSDATA_PREFIX"
    )


def _engine(language: str) -> tesserocr.PyTessBaseAPI:
    """One engine per thread and language: an engine is not safe to share between threads."""
    engines: dict[str, tesserocr.PyTessBaseAPI] = getattr(_local, "engines", None) or {}
    _local.engines = engines
    if language not in engines:
        folder = tessdata_dir()
        try:
            engines[language] = tesserocr.PyTessBaseAPI(
                path=folder.rstrip("/") + "/",
                lang=language,
                psm=tesserocr.PSM.SINGLE_LINE,
                oem=tesserocr.OEM.LSTM_ONLY,
            )
        except RuntimeError as error:
            raise FieldOcrUnavailable(
                f"Tesseract cannot load language {language!r} from {folder}: {error}"
            ) from error
    return engines[language]
