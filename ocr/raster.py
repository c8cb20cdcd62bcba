"""Decode raster images (PNG, JPEG, TIFF with its pages, GIF, BMP, WebP) with Pillow."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageOps

from ocr.limits import Limits, check_page_count, check_page_size
from ocr.models import UnreadableDocument
from ocr.page_image import PageImage

_PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/webp": "WEBP",
}

# What Pillow raises on broken input varies by codec; all of it means "this file is damaged".
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)

# Resolutions outside this range are placeholders written by software, not a scanner's truth.
_PLAUSIBLE_DPI = (50.0, 4800.0)


def raster_pages(data: bytes, media_type: str, limits: Limits) -> Iterator[PageImage]:
    """Yield each page of an image file; only TIFF has several (an animated GIF is one picture)."""
    kind = _PILLOW_FORMATS.get(media_type)
    if kind is None:
        raise UnreadableDocument(f"unsupported image type {media_type}")
    image = _open(data, kind, limits)
    count = _count_tiff_pages(image, kind, limits) if kind == "TIFF" else 1
    return _decode_pages(image, kind, count, limits)


def _open(data: bytes, kind: str, limits: Limits) -> Image.Image:
    """Read the header only: Pillow decodes pixels lazily, on load()."""
    try:
        return Image.open(io.BytesIO(data), formats=[kind])
    except Image.DecompressionBombError as exc:
        raise UnreadableDocument(
            f"{kind} image exceeds the limit of {limits.max_pixels:,} pixels ({exc})"
        ) from exc
    except Image.UnidentifiedImageError as exc:
        # Pillow's own message names a BytesIO object, which tells a person nothing.
        raise UnreadableDocument(f"corrupt {kind}: its header is damaged or cut short") from exc
    except _DECODE_ERRORS as exc:
        raise UnreadableDocument(f"corrupt {kind}: {exc}") from exc


def _count_tiff_pages(image: Image.Image, kind: str, limits: Limits) -> int:
    """Count pages by walking the directories, stopping one past the limit."""
    count = 0
    try:
        while count <= limits.max_pages:
            image.seek(count)
            count += 1
    except EOFError:
        pass
    except _DECODE_ERRORS as exc:
        raise UnreadableDocument(f"corrupt {kind}: page {count + 1}: {exc}") from exc
    check_page_count(count, limits, at_least=count > limits.max_pages)
    return count


def _decode_pages(image: Image.Image, kind: str, count: int, limits: Limits) -> Iterator[PageImage]:
    with image:
        for index in range(count):
            number = index + 1
            try:
                image.seek(index)
            except _DECODE_ERRORS as exc:
                raise UnreadableDocument(f"corrupt {kind}: page {number}: {exc}") from exc
            check_page_size(image.width, image.height, limits, page=number)
            yield PageImage(number=number, pixels=_grayscale(image, kind, number), dpi=_dpi(image))


def _grayscale(image: Image.Image, kind: str, number: int) -> np.ndarray:
    try:
        image.load()
        upright = ImageOps.exif_transpose(image) if kind in ("JPEG", "WEBP") else image
        gray = _flatten_onto_white(upright).convert("L")
    except _DECODE_ERRORS as exc:
        raise UnreadableDocument(f"truncated or corrupt {kind}: page {number}: {exc}") from exc
    return np.asarray(gray, dtype=np.uint8)


def _flatten_onto_white(image: Image.Image) -> Image.Image:
    """Transparent pixels are paper, not ink: a plain convert('L') would turn them black."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if not has_alpha:
        return image
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba)


def _dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    try:
        horizontal = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    low, high = _PLAUSIBLE_DPI
    return horizontal if low <= horizontal <= high else None
