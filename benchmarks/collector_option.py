"""`--default-gc` for benchmarks of Intake's processes: they run with Intake's collector
thresholds (`intake/collector.py`), as every `intake` command does, unless told otherwise."""

from __future__ import annotations

import argparse

from intake.collector import tune_for_throughput


def add_collector_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="keep CPython's collector thresholds instead of Intake's (intake/collector.py)",
    )


def apply_collector_option(options: argparse.Namespace) -> None:
    """Call before the work: processes forked later inherit the thresholds."""
    if not options.default_gc:
        tune_for_throughput()
