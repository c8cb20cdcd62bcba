"""The waiting jobs of every unit, in a policy's order, with the counts overflow needs.

A job that moved to another unit or was started stays in its old heap until it reaches the top,
where it is skipped: removing from the middle of a heap would cost more than skipping.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable

from workflow.simulation.jobs import Job
from workflow.simulation.policies import OrderKey, Policy


class UnitQueues:
    def __init__(self, policy: Policy) -> None:
        self._key = policy.key
        self._heaps: dict[str, list[tuple[OrderKey, Job]]] = {}
        # Per unit, (due timestamp, job id) of the waiting jobs, sorted: for `ahead`.
        self._due: dict[str, list[tuple[float, int]]] = {}
        self._jobs: dict[int, Job] = {}

    def push(self, job: Job) -> None:
        heapq.heappush(self._heaps.setdefault(job.unit, []), (self._key(job), job))
        bisect.insort(self._due.setdefault(job.unit, []), (job.due_at.timestamp(), job.id))
        self._jobs[job.id] = job

    def move(self, job: Job, to_unit: str) -> None:
        """Put a waiting job in another unit's queue (overflow)."""
        self._forget(job)
        job.original_unit, job.unit = job.unit, to_unit
        self.push(job)

    def take_best(self, units: Iterable[str]) -> Job | None:
        """Remove and return the first job in policy order among `units`' queues."""
        best: Job | None = None
        best_key: OrderKey | None = None
        for unit in units:
            top = self._top(unit)
            if top is not None and (best_key is None or top[0] < best_key):
                best_key, best = top
        if best is not None:
            heapq.heappop(self._heaps[best.unit])
            self._forget(best)
        return best

    def waiting(self, unit: str) -> int:
        return len(self._due.get(unit, ()))

    def ahead(self, unit: str, due_at_timestamp: float) -> int:
        """Waiting jobs of `unit` due no later than the given moment: they are served first."""
        return bisect.bisect_right(self._due.get(unit, []), (due_at_timestamp, float("inf")))

    def in_deadline_order(self, unit: str) -> list[Job]:
        return [self._jobs[job_id] for _, job_id in self._due.get(unit, [])]

    def _top(self, unit: str) -> tuple[OrderKey, Job] | None:
        heap = self._heaps.get(unit)
        while heap:
            key, job = heap[0]
            if job.unit == unit and job.started_at is None and job.id in self._jobs:
                return key, job
            heapq.heappop(heap)
        return None

    def _forget(self, job: Job) -> None:
        due = self._due[job.unit]
        due.pop(bisect.bisect_left(due, (job.due_at.timestamp(), job.id)))
        del self._jobs[job.id]
