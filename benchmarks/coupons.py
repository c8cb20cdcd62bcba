"""Coupons read field by field against raw full-page Tesseract, on generated degraded coupons.

    .venv/bin/python benchmarks/coupons.py [--count 1000] [--baseline 100] [--workers 2]

Generates `count` coupons (cached under var/bench-coupons/, so reruns skip it), then reads them
with `match_form` + `read_form` in `workers` processes and prints coupons/s, the field error
rate after validation (a field is wrong when its final value differs from what was printed)
and the share of coupons with every field confident. The baseline is the raw `tesseract`
command (page segmentation 3, eng+pol) on the first `baseline` coupons, in the same run and
processes: its speed, and its field error rate counted generously (a field counts as read when
its printed value appears anywhere in the page text).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2
import numpy as np
import pytesseract

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.coupon_generator import CouponFactory, GeneratedCoupon  # noqa: E402
from ocr.forms import PostalDirectory, load_templates, match_form, read_form  # noqa: E402

CACHE = REPO / "var" / "bench-coupons"
POSTAL = REPO.parent / "shared" / "data" / "postal"
TEMPLATES = REPO / "samples" / "forms"
SEED = 2026


@dataclass(frozen=True)
class Outcome:
    fields: int
    wrong: int
    confident: bool
    matched_right: bool
    seconds: float
    errors: tuple[str, ...]


def generate(number: int) -> Path:
    path = CACHE / f"{SEED}-{number:05d}.jpg"
    if not path.exists():
        coupon = CouponFactory(SEED).make(number)
        path.write_bytes(coupon.jpeg)
    return path


def expected(number: int) -> GeneratedCoupon:
    return CouponFactory(SEED).expected_only(number)


_state: dict[str, object] = {}


def _setup() -> None:
    cv2.setNumThreads(1)  # one process per core; OpenCV's own threads would fight them
    _state["templates"] = load_templates(TEMPLATES)
    _state["postal"] = PostalDirectory.from_folder(POSTAL)


def read_one(number: int) -> Outcome:
    truth = expected(number)
    started = time.perf_counter()
    page = cv2.imdecode(np.frombuffer(generate(number).read_bytes(), np.uint8), 0)
    match = match_form([page], _state["templates"])  # type: ignore[arg-type]
    if match is None:
        return Outcome(len(truth.expected), len(truth.expected), False, False, 0.0, ("no match",))
    reading = read_form(page, match.template, _state["postal"], alignment=match.alignment)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    errors = tuple(
        f"{name}: {reading.field(name).value!r} != {value!r}"
        for name, value in truth.expected.items()
        if reading.field(name).value != value
    )
    return Outcome(
        fields=len(truth.expected),
        wrong=len(errors),
        confident=reading.confident(),
        matched_right=match.template.name == truth.template,
        seconds=seconds,
        errors=errors,
    )


def raw_tesseract(number: int) -> tuple[int, int, float]:
    truth = expected(number)
    started = time.perf_counter()
    page = cv2.imdecode(np.frombuffer(generate(number).read_bytes(), np.uint8), 0)
    text = pytesseract.image_to_string(page, lang="eng+pol", config="--psm 3 --dpi 300")
    seconds = time.perf_counter() - started
    flat = " ".join(text.upper().split())
    printed = {
        k: v for k, v in truth.expected.items() if k not in ("newsletter", "prize_draw", "consent")
    }
    wrong = sum(1 for value in printed.values() if value not in flat)
    return len(printed), wrong, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    numbers = range(args.count)
    with ProcessPoolExecutor(args.workers) as pool:
        started = time.perf_counter()
        list(pool.map(generate, numbers, chunksize=8))
        print(f"generated/cached {args.count} coupons in {time.perf_counter() - started:.0f} s")
    with ProcessPoolExecutor(args.workers, initializer=_setup) as pool:
        list(pool.map(read_one, range(args.workers * 2)))  # load engines and data first
        started = time.perf_counter()
        outcomes = list(pool.map(read_one, numbers, chunksize=4))
        forms_seconds = time.perf_counter() - started
        started = time.perf_counter()
        raw = list(pool.map(raw_tesseract, range(args.baseline), chunksize=2))
        raw_seconds = time.perf_counter() - started
    fields = sum(o.fields for o in outcomes)
    wrong = sum(o.wrong for o in outcomes)
    rate = args.count / forms_seconds
    raw_rate = args.baseline / raw_seconds
    raw_fields = sum(r[0] for r in raw)
    raw_wrong = sum(r[1] for r in raw)
    print(f"coupons: {args.count} on {args.workers} processes")
    print(f"template matched right:       {sum(o.matched_right for o in outcomes)}/{args.count}")
    print(f"forms reader:                 {rate:.1f} coupons/s")
    print(f"field errors after validation: {wrong}/{fields} = {wrong / fields:.2%}")
    print(
        f"coupons with every field confident: {sum(o.confident for o in outcomes) / args.count:.1%}"
    )
    print(
        f"raw tesseract (baseline, {args.baseline} coupons): {raw_rate:.2f} coupons/s, "
        f"printed fields not in its text {raw_wrong}/{raw_fields} = {raw_wrong / raw_fields:.2%}"
    )
    print(f"speed ratio forms/raw: {rate / raw_rate:.1f}x")
    counts: dict[str, int] = {}
    for outcome in outcomes:
        for error in outcome.errors:
            name = error.split(":")[0]
            counts[name] = counts.get(name, 0) + 1
    print("errors by field:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
    for outcome in [o for o in outcomes if o.errors][:8]:
        print("  e.g.", "; ".join(outcome.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
