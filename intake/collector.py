"""Garbage-collector settings for Intake's own processes (the CLI, `intake serve`, workers).

CPython collects its youngest generation after every 700 new container objects. A route batch
makes tens of thousands of them (ORM states, planned rows, JSON documents) that are freed by
reference counting anyway, so the default collector kept walking the young objects, and every
tenth pass the middle generation, for nothing: in `benchmarks/routing.py` it took 0.8 to 1.0 s
of about 6 s (1,352 collections). With the thresholds below it took 0.07 to 0.11 s (see
docs/benchmarks.md, "Routing"). Cycles are still collected, only in larger steps: memory held
by unreachable cycles between two collections grows from hundreds to about ten thousand
objects, a few megabytes at most.

`freeze_startup_objects` moves what start-up loaded (models, the organisation, compiled
statements) into the collector's permanent generation, so full collections never walk it
again, and forked children (Celery's pool) do not copy those pages by touching their headers.
"""

from __future__ import annotations

import gc

# Young generation after 10,000 allocations instead of 700; the middle one every 50 young
# collections, the oldest every 100 middle ones (CPython also waits there until a quarter of
# the long-lived objects are new).
THRESHOLDS = (10_000, 50, 100)


def tune_for_throughput() -> None:
    """Collect in larger steps: for processes that create many short-lived objects."""
    gc.set_threshold(*THRESHOLDS)


def freeze_startup_objects() -> None:
    """Collect once, then leave everything alive now out of future collections."""
    gc.collect()
    gc.freeze()
