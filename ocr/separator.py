"""Separator sheets: a page carrying a configured QR code or barcode between two documents."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.grayscale import to_grayscale
from ocr.resolution import resize

DEFAULT_SEPARATOR = "INTAKE-SEPARATOR"
# Codes are searched on a copy at most this wide: a separator's code is printed large (its
# modules stay ~10 px wide here), and on a full-resolution page of noise the detectors can
# spend seconds chasing false finder patterns.
SEARCH_WIDTH = 1000
# Pixels per QR module and white modules around the code on a printed separator sheet.
MODULE_PIXELS = 24
QUIET_ZONE_MODULES = 4


def page_codes(pixels: np.ndarray) -> tuple[str, ...]:
    """Texts of the QR codes and barcodes found on a page (empty when there are none)."""
    gray = to_grayscale(pixels)
    scale = SEARCH_WIDTH / gray.shape[1]
    return _codes(resize(gray, scale) if scale < 1.0 else gray)


def is_separator(pixels: np.ndarray, separator: str = DEFAULT_SEPARATOR) -> bool:
    return separator in page_codes(pixels)


def qr_code(text: str, *, module_pixels: int = MODULE_PIXELS) -> np.ndarray:
    """A printable QR code of `text`, with its quiet zone: black modules on white."""
    modules = cv2.QRCodeEncoder.create().encode(text)
    framed = cv2.copyMakeBorder(modules, *(QUIET_ZONE_MODULES,) * 4, cv2.BORDER_CONSTANT, value=255)
    return cv2.resize(
        framed, None, fx=module_pixels, fy=module_pixels, interpolation=cv2.INTER_NEAREST
    )


def _codes(gray: np.ndarray) -> tuple[str, ...]:
    found = [_qr_text(gray), *_barcode_texts(gray)]
    return tuple(text for text in found if text)


def _qr_text(gray: np.ndarray) -> str:
    try:
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(gray)
    except cv2.error:  # a damaged code can make the decoder give up with an exception
        return ""
    return str(text)


def _barcode_texts(gray: np.ndarray) -> tuple[str, ...]:
    try:
        texts, _, _ = cv2.barcode.BarcodeDetector().detectAndDecode(gray)
    except cv2.error:
        return ()
    if isinstance(texts, str):
        return (texts,) if texts else ()
    return tuple(str(text) for text in texts if text)
