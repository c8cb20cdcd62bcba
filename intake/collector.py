"""Garbage-collector settings for Intake's own processes (the CLI, `intake serve`, workers).

CPython collects its youngest generation after every 700 new container objects. A route batch
makes tens of thousands of them (ORM states, planned rows, JSON documents) that are freed by
reference counting anyway, so the default collector kept walking the young objects, and every
tenth pass the middle generation, for nothing: in `benchmarks/routing.py` it took 0.8 to 1.0 s
of about 6 s. Collecting the youngest generation after 10,000 objects instead took 0.2 s (see
docs/benchmarks.md, "Routing"). The older generations keep CPython's ratios (ten collections
of the one below), so they too come about 14 times less often: unreachable cycles wait longer
to be freed. The peak memory of 15,000 routed contacts was the same either way (209 MB).

`freeze_startup_objects` moves what start-up loaded (in `intake serve` the classifiers and the
organisation, in `intake worker` the classifiers, before Celery forks its pool) into the
collector's permanent generation, so later collections, the forked children's included, no
longer walk those objects.
"""

from __future__ import annotations

import gc

# The youngest generation after 10,000 allocations instead of 700; the other two as CPython's.
THRESHOLDS = (10_000, 10, 10)


def tune_for_throughput() -> None:
    """Collect in larger steps: for processes that create many short-lived objects."""
    gc.set_threshold(*THRESHOLDS)


def freeze_startup_objects() -> None:
    """Collect once, then leave everything alive now out of future collections."""
    gc.collect()
    gc.freeze()
