"""The queue policies compared: which waiting job an agent takes next, and whether work may
overflow to a backup unit.

- `fifo`: first come, first served.
- `priority`: the highest priority first, first come first served within a priority.
- `least-slack`: production's order (`workflow.queue.slack_minutes`: the job that will break its
  deadline first comes first) with production's overflow to the backup unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from workflow.queue import slack_minutes
from workflow.simulation.jobs import Job

# Slack at any moment is slack at this moment minus the time since, the same for every job: so
# slack measured from one fixed moment orders jobs as slack measured now would.
_REFERENCE = datetime(2000, 1, 1, tzinfo=UTC)

OrderKey = tuple[float, ...]


@dataclass(frozen=True)
class Policy:
    name: str
    title: str
    # Smaller comes first; a job's key never changes while it waits.
    key: Callable[[Job], OrderKey]
    overflow: bool


def _arrival_key(job: Job) -> OrderKey:
    return (job.arrived_at.timestamp(), job.id)


def _priority_key(job: Job) -> OrderKey:
    return (job.priority, job.arrived_at.timestamp(), job.id)


def _slack_key(job: Job) -> OrderKey:
    slack = slack_minutes(job.due_at, job.expected_minutes, _REFERENCE)
    assert slack is not None  # every simulated job has a deadline
    return (slack, job.id)


POLICIES: tuple[Policy, ...] = (
    Policy("fifo", "FIFO", _arrival_key, overflow=False),
    Policy("priority", "priority only", _priority_key, overflow=False),
    Policy("least-slack", "least slack with overflow", _slack_key, overflow=True),
)


def policy_named(name: str) -> Policy:
    for policy in POLICIES:
        if policy.name == name:
            return policy
    known = ", ".join(p.name for p in POLICIES)
    raise ValueError(f"unknown policy {name!r} (known: {known})")
