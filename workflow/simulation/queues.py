"""The waiting jobs of every unit, in a policy's order, with the counts overflow needs.

Overflow counts a unit's queue as production's `queue_ahead` does: every active task, the
waiting ones and those an agent is working on (claimed).

A job that moved to another unit or was started stays in its old heap until it reaches the top,
where it is skipped: removing from the middle of a heap would cost more than skipping. Under a
`lost_last` policy a job whose slack has run out moves, when it reaches the top, to a second heap
per unit that is served only when no saveable job is left: slack only ever shrinks, so a lost
job never becomes saveable again.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable
from datetime import datetime

from workflow.simulation.jobs import Job
from workflow.simulation.policies import OrderKey, Policy, lost_before

_Heap = list[tuple[OrderKey, Job]]


class UnitQueues:
    def __init__(self, policy: Policy) -> None:
        self._key = policy.key
        self._lost_last = policy.lost_last
        self._heaps: dict[str, _Heap] = {}
        # Per unit, the waiting jobs whose deadline is lost (only under a `lost_last` policy).
        self._lost: dict[str, _Heap] = {}
        # Per unit, (due timestamp, job id) of the waiting jobs, sorted: for `ahead`.
        self._due: dict[str, list[tuple[float, int]]] = {}
        self._jobs: dict[int, Job] = {}
        # Per unit, (due timestamp, job id) of the jobs agents are working on, sorted.
        self._busy: dict[str, list[tuple[float, int]]] = {}

    def push(self, job: Job) -> None:
        heapq.heappush(self._heaps.setdefault(job.unit, []), (self._key(job), job))
        bisect.insort(self._due.setdefault(job.unit, []), (job.due_at.timestamp(), job.id))
        self._jobs[job.id] = job

    def move(self, job: Job, to_unit: str) -> None:
        """Put a waiting job in another unit's queue (overflow)."""
        self._forget(job)
        job.original_unit, job.unit = job.unit, to_unit
        self.push(job)

    def take_best(self, units: Iterable[str], now: datetime) -> Job | None:
        """Remove and return the first job in policy order among `units`' queues at `now`;
        under a `lost_last` policy, a job that can still make its deadline before any other."""
        served = tuple(units)
        if self._lost_last:
            threshold = lost_before(now)
            for unit in served:
                self._set_aside_lost(unit, threshold)
        best = self._best_of(self._heaps, served)
        if best is None and self._lost_last:
            best = self._best_of(self._lost, served)
        return best

    def _best_of(self, heaps: dict[str, _Heap], units: tuple[str, ...]) -> Job | None:
        """Pop the first job in policy order among the tops of `units`' heaps."""
        best: tuple[OrderKey, Job, _Heap] | None = None
        for unit in units:
            heap = heaps.get(unit, [])
            top = self._top(heap, unit)
            if top is not None and (best is None or top[0] < best[0]):
                best = (top[0], top[1], heap)
        if best is None:
            return None
        _key, job, heap = best
        heapq.heappop(heap)
        self._forget(job)
        bisect.insort(self._busy.setdefault(job.unit, []), (job.due_at.timestamp(), job.id))
        return job

    def finished(self, job: Job) -> None:
        """An agent finished a job `take_best` gave them: it leaves the unit's active work."""
        busy = self._busy[job.unit]
        busy.pop(bisect.bisect_left(busy, (job.due_at.timestamp(), job.id)))

    def _set_aside_lost(self, unit: str, threshold: float) -> None:
        heap = self._heaps.get(unit)
        while heap and (top := self._top(heap, unit)) is not None and top[0][0] < threshold:
            heapq.heappush(self._lost.setdefault(unit, []), heapq.heappop(heap))

    def waiting(self, unit: str) -> int:
        return len(self._due.get(unit, ()))

    def ahead(self, unit: str, due_at_timestamp: float) -> int:
        """Active jobs of `unit` (waiting or being worked on) due no later than the given
        moment, as production's `queue_ahead` counts them."""
        last = (due_at_timestamp, float("inf"))
        waiting = bisect.bisect_right(self._due.get(unit, []), last)
        return waiting + bisect.bisect_right(self._busy.get(unit, []), last)

    def busy_before(self, job: Job) -> int:
        """Jobs being worked on in the job's unit that come before it in (deadline, id) order:
        they count in its place in production's queue."""
        return bisect.bisect_left(self._busy.get(job.unit, []), (job.due_at.timestamp(), job.id))

    def in_deadline_order(self, unit: str) -> list[Job]:
        return [self._jobs[job_id] for _, job_id in self._due.get(unit, [])]

    def _top(self, heap: _Heap, unit: str) -> tuple[OrderKey, Job] | None:
        """The heap's first job still waiting in `unit`; stale entries are dropped."""
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
