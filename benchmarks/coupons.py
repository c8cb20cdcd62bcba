"""Coupons read field by field against raw full-page Tesseract, on generated degraded coupons.

    .venv/bin/python benchmarks/coupons.py [--count 1000] [--baseline 100] [--workers 2]
                                           [--seed 2026]

Generates `count` coupons (cached under var/bench-coupons/, so reruns skip it), then reads them
with `match_form` + `read_form` in `workers` processes and prints coupons/s, the field error
rate after validation (a field is wrong when its final value differs from what was printed)
and the share of coupons with every field confident. The baseline is the raw `tesseract`
command (page segmentation 3, eng+pol) on the first `baseline` coupons, in the same run and
processes: its speed, and its field error rate counted generously (a field counts as read when
its printed value appears anywhere in the page text).

Speed is given twice: coupons/s by the wall clock (what this run got from a machine it may share
with others), and CPU seconds per coupon (the reader's process, Tesseract included, as it runs
in-process; for the baseline also its `tesseract` children), from which the rate on idle cores
follows: cores / CPU-s per coupon. The precision of confident fields says how often a field the
reader did not send to a person was right.
"""

from __future__ import annotations

import argparse
import os
import resource
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
    cpu_seconds: float
    confident_fields: int
    confident_wrong: int
    errors: tuple[str, ...]


def generate(number: int, seed: int = SEED) -> Path:
    path = CACHE / f"{seed}-{number:05d}.jpg"
    if not path.exists():
        coupon = CouponFactory(seed).make(number)
        path.write_bytes(coupon.jpeg)
    return path


def expected(number: int, seed: int = SEED) -> GeneratedCoupon:
    return CouponFactory(seed).expected_only(number)


def _cpu_seconds() -> float:
    """This process's CPU time and that of its finished children (the `tesseract` program)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


_state: dict[str, object] = {}


def _setup() -> None:
    cv2.setNumThreads(1)  # one process per core; OpenCV's own threads would fight them
    _state["templates"] = load_templates(TEMPLATES)
    _state["postal"] = PostalDirectory.from_folder(POSTAL)


def read_one(number: int, seed: int = SEED) -> Outcome:
    truth = expected(number, seed)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    page = cv2.imdecode(np.frombuffer(generate(number, seed).read_bytes(), np.uint8), 0)
    match = match_form([page], _state["templates"])  # type: ignore[arg-type]
    if match is None:
        count = len(truth.expected)
        return Outcome(count, count, False, False, 0.0, 0.0, 0, 0, ("no match",))
    reading = read_form(page, match.template, _state["postal"], alignment=match.alignment)  # type: ignore[arg-type]
    seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
    errors = tuple(
        f"{name}: {reading.field(name).value!r} != {value!r}"
        for name, value in truth.expected.items()
        if reading.field(name).value != value
    )
    confident = [name for name in truth.expected if reading.field(name).confident()]
    return Outcome(
        fields=len(truth.expected),
        wrong=len(errors),
        confident=reading.confident(),
        matched_right=match.template.name == truth.template,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        confident_fields=len(confident),
        confident_wrong=sum(reading.field(n).value != truth.expected[n] for n in confident),
        errors=errors,
    )


def raw_tesseract(number: int, seed: int = SEED) -> tuple[int, int, float, float]:
    truth = expected(number, seed)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    page = cv2.imdecode(np.frombuffer(generate(number, seed).read_bytes(), np.uint8), 0)
    text = pytesseract.image_to_string(page, lang="eng+pol", config="--psm 3 --dpi 300")
    seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
    flat = " ".join(text.upper().split())
    printed = {
        k: v for k, v in truth.expected.items() if k not in ("newsletter", "prize_draw", "consent")
    }
    wrong = sum(1 for value in printed.values() if value not in flat)
    return len(printed), wrong, seconds, cpu_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED, help="which coupons to generate")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    numbers = range(args.count)
    seeds = [args.seed] * args.count
    with ProcessPoolExecutor(args.workers) as pool:
        started = time.perf_counter()
        list(pool.map(generate, numbers, seeds, chunksize=8))
        print(f"generated/cached {args.count} coupons in {time.perf_counter() - started:.0f} s")
    with ProcessPoolExecutor(args.workers, initializer=_setup) as pool:
        warm = range(args.workers * 2)
        list(pool.map(read_one, warm, [args.seed] * len(warm)))  # load engines and data first
        started = time.perf_counter()
        outcomes = list(pool.map(read_one, numbers, seeds, chunksize=4))
        forms_seconds = time.perf_counter() - started
        started = time.perf_counter()
        baseline = range(args.baseline)
        raw = list(pool.map(raw_tesseract, baseline, [args.seed] * len(baseline), chunksize=2))
        raw_seconds = time.perf_counter() - started
    fields = sum(o.fields for o in outcomes)
    wrong = sum(o.wrong for o in outcomes)
    rate = args.count / forms_seconds
    raw_rate = args.baseline / raw_seconds
    cpu = sum(o.cpu_seconds for o in outcomes) / args.count
    raw_cpu = sum(r[3] for r in raw) / args.baseline
    raw_fields = sum(r[0] for r in raw)
    raw_wrong = sum(r[1] for r in raw)
    confident_fields = sum(o.confident_fields for o in outcomes)
    confident_wrong = sum(o.confident_wrong for o in outcomes)
    print(f"coupons: {args.count} (seed {args.seed}) on {args.workers} processes")
    print(f"load average at the end:      {os.getloadavg()[0]:.1f}")
    print(f"template matched right:       {sum(o.matched_right for o in outcomes)}/{args.count}")
    print(f"forms reader, wall clock:     {rate:.1f} coupons/s")
    print(
        f"forms reader, CPU:            {cpu:.3f} CPU-s per coupon = "
        f"{args.workers / cpu:.1f} coupons/s on {args.workers} idle cores"
    )
    print(f"field errors after validation: {wrong}/{fields} = {wrong / fields:.2%}")
    print(
        f"coupons with every field confident: {sum(o.confident for o in outcomes) / args.count:.1%}"
    )
    print(
        f"confident fields right:       {confident_fields - confident_wrong}/{confident_fields}"
        f" = {1 - confident_wrong / confident_fields:.2%}"
    )
    print(
        f"raw tesseract (baseline, {args.baseline} coupons): {raw_rate:.2f} coupons/s, "
        f"{raw_cpu:.3f} CPU-s per coupon, "
        f"printed fields not in its text {raw_wrong}/{raw_fields} = {raw_wrong / raw_fields:.2%}"
    )
    print(f"speed ratio forms/raw: wall {rate / raw_rate:.1f}x, CPU {raw_cpu / cpu:.1f}x")
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
