"""A contact inside the simulation: where it waits, by when it is due, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class Job:
    """Mutable while the simulation runs; `ContactOutcome` is its frozen result."""

    id: int
    topic: str | None
    unit: str
    priority: int
    arrived_at: datetime
    due_at: datetime
    handling_minutes: float
    expected_minutes: float
    # The unit routing chose, when overflow moved the job to its backup (it moves only once).
    original_unit: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    agent: str | None = None
