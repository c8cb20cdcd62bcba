"""Alignment of a scanned page to a form's reference image, by image registration.

We register the whole image (OpenCV's ECC, enhanced correlation coefficient, affine motion) at
`COARSE_WIDTH` pixels wide, where a 5-degree skew is a small step and every iteration is cheap.
Feature matching (ORB + RANSAC) was tried first and measured unreliable on these cards: their
many identical boxes and the 16-grey-level scans left 10-50 consistent matches out of 1,500, too
few on a third of the sample coupons. A flatbed scanner moves, turns and scales a card but does
not bend it, so an affine map is enough.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ocr.forms.template import FormTemplate

COARSE_WIDTH = 320
BLUR_SIGMA = 1.5  # smooths print and noise alike, so the correlation surface is smooth
CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 80, 1e-4)
# Bounds on what a real scan of the card looks like after the scanner: within 20 degrees and
# 25% of the printed size (anything else is a different document that happened to converge).
MAX_ANGLE_DEGREES = 20.0
MAX_SCALE_CHANGE = 0.25
MAX_SHEAR = 0.02
# ECC climbs to the nearest optimum; from a straight start it sometimes settles wrong on pages
# skewed 4-5 degrees. Below GOOD_SCORE it starts again from these angles, keeping the best.
START_ANGLES = (0.0, -4.0, 4.0)
GOOD_SCORE = 0.85


@dataclass(frozen=True)
class Alignment:
    """How a scan maps onto a template: `homography` takes scan pixels to template pixels."""

    template: str
    homography: tuple[tuple[float, ...], ...]  # 3x3, row by row
    score: float  # 0..1: correlation of the aligned scan with the blank form's print

    def matrix(self) -> np.ndarray:
        return np.array(self.homography, dtype=np.float64)


@dataclass(frozen=True)
class _Reference:
    coarse: np.ndarray
    printed_mask: np.ndarray  # at coarse size: the form's print, outside the fields


def align(page: np.ndarray, template: FormTemplate) -> Alignment | None:
    """Align a grayscale page to a template; None when the page is not that form at all.

    ECC finds the warp to a fraction of a working pixel; measured on the sample coupons the
    aligned boxes sit within one pixel of the template's at full size, so no finer pass is run.
    """
    reference = _reference(template.reference_image, _field_boxes(template))
    factor = COARSE_WIDTH / template.width
    small = _prepared(page, factor)
    best: tuple[float, np.ndarray] | None = None
    for angle in START_ANGLES:
        warp = _ecc(reference.coarse, small, _rotation(angle, small.shape))
        if warp is None or not _plausible(warp):
            continue
        score = _similarity(small, warp, reference)
        if best is None or score > best[0]:
            best = (score, warp)
        if score >= GOOD_SCORE:
            break
    if best is None:
        return None
    return _alignment(template.name, best[1], factor, best[0])


def _rotation(degrees: float, shape: tuple[int, ...]) -> np.ndarray:
    """A start for ECC: the page turned by `degrees` about its centre."""
    height, width = shape[:2]
    return cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0).astype(np.float32)


def warp_to_template(page: np.ndarray, alignment: Alignment, template: FormTemplate) -> np.ndarray:
    """The page as if it had been scanned straight onto the reference image."""
    return cv2.warpPerspective(
        page,
        alignment.matrix(),
        (template.width, template.height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def _field_boxes(template: FormTemplate) -> tuple[tuple[int, int, int, int], ...]:
    return tuple((f.box.left, f.box.top, f.box.right, f.box.bottom) for f in template.fields)


@functools.cache
def _reference(path: Path, boxes: tuple[tuple[int, int, int, int], ...]) -> _Reference:
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ValueError(f"{path}: the reference image cannot be read")
    factor = COARSE_WIDTH / image.shape[1]
    coarse = _prepared(image, factor)
    # The ink a customer adds inside the boxes is not part of the form: leave it out of the
    # comparison, and keep the surroundings of the print, where two templates differ.
    outside = np.ones(coarse.shape, dtype=bool)
    for left, top, right, bottom in boxes:
        outside[
            int(top * factor) + 2 : int(bottom * factor) - 1,
            int(left * factor) + 2 : int(right * factor) - 1,
        ] = False
    shrunk = cv2.resize(image, coarse.shape[::-1], interpolation=cv2.INTER_AREA)
    ink = cv2.dilate((shrunk < 200).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return _Reference(
        coarse=coarse,
        printed_mask=outside & ink,
    )


def _prepared(image: np.ndarray, factor: float) -> np.ndarray:
    size = (max(1, round(image.shape[1] * factor)), max(1, round(image.shape[0] * factor)))
    # Halving with pyrDown first is several times cheaper than one INTER_AREA resize by 1/8.
    while image.shape[1] >= 4 * size[0]:
        image = cv2.pyrDown(image)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    return cv2.GaussianBlur(small, (0, 0), BLUR_SIGMA)


def _ecc(template: np.ndarray, scan: np.ndarray, start: np.ndarray) -> np.ndarray | None:
    """The affine warp taking template pixels to scan pixels, or None when ECC diverges."""
    try:
        _, warp = cv2.findTransformECC(
            template, scan, start.astype(np.float32), cv2.MOTION_AFFINE, CRITERIA, None, 1
        )
    except cv2.error:
        return None
    return warp


def _plausible(warp: np.ndarray) -> bool:
    linear = warp[:, :2].astype(np.float64)
    scale_x, scale_y = np.linalg.norm(linear[:, 0]), np.linalg.norm(linear[:, 1])
    angle = abs(np.degrees(np.arctan2(linear[1, 0], linear[0, 0])))
    # A scanner turns and scales a card evenly; ECC stuck in a wrong optimum shears it.
    shear = abs(float(linear[:, 0] @ linear[:, 1])) / (scale_x * scale_y)
    return (
        shear <= MAX_SHEAR
        and abs(scale_x - scale_y) <= MAX_SHEAR
        and abs(scale_x - 1.0) <= MAX_SCALE_CHANGE
        and abs(scale_y - 1.0) <= MAX_SCALE_CHANGE
        and angle <= MAX_ANGLE_DEGREES
        and np.linalg.det(linear) > 0
    )


def _alignment(name: str, warp: np.ndarray, factor: float, score: float) -> Alignment:
    """Scale a working-size warp (template -> scan) to full size and invert it."""
    forward = np.vstack([warp.astype(np.float64), [0.0, 0.0, 1.0]])
    forward[:2, 2] /= factor
    inverse = np.linalg.inv(forward)
    inverse /= inverse[2, 2]
    return Alignment(
        template=name,
        homography=tuple(tuple(float(v) for v in row) for row in inverse),
        score=score,
    )


def _similarity(small: np.ndarray, warp: np.ndarray, reference: _Reference) -> float:
    """Correlation of the aligned scan with the blank form over the form's print, 0..1."""
    height, width = reference.coarse.shape
    aligned = cv2.warpAffine(
        small,
        warp,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderValue=255.0,
    )
    a = aligned[reference.printed_mask]
    b = reference.coarse[reference.printed_mask]
    a = a - a.mean()
    b = b - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return max(0.0, float((a * b).sum()) / denominator) if denominator else 0.0
