"""The queue policies compared: which waiting job an agent takes next, and whether work may
overflow to a backup unit.

- `fifo`: first come, first served.
- `priority`: the highest priority first, first come first served within a priority.
- `least-slack`: production's order (`workflow.queue`: the job that will break its deadline first
  comes first, but a job whose deadline is already lost only after every job that can still make
  its own) with production's overflow to the backup unit.
- `strict-slack`: least slack with overflow but without putting lost work last: the order before
  issue #6's change, for comparison (under overload it serves work that breaks anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    # Jobs whose slack has run out (their deadline is lost) wait until no saveable job is left:
    # the key's first element must then be the slack measured from `_REFERENCE`.
    lost_last: bool = False


def lost_before(now: datetime) -> float:
    """A `lost_last` job whose key starts below this value cannot make its deadline any more
    (slack now = slack from the reference minus the minutes since the reference)."""
    return (now - _REFERENCE) / timedelta(minutes=1)


def _arrival_key(job: Job) -> OrderKey:
    return (job.arrived_at.timestamp(), job.id)


def _priority_key(job: Job) -> OrderKey:
    return (job.priority, job.arrived_at.timestamp(), job.id)


def _slack_key(job: Job) -> OrderKey:
    slack = slack_minutes(job.due_at, job.expected_minutes, _REFERENCE)
    assert slack is not None  # every simulated job has a deadline
    return (slack, job.id)


# The three, compared by default.
POLICIES: tuple[Policy, ...] = (
    Policy("fifo", "FIFO", _arrival_key, overflow=False),
    Policy("priority", "priority only", _priority_key, overflow=False),
    Policy("least-slack", "least slack with overflow", _slack_key, overflow=True, lost_last=True),
)
STRICT_SLACK = Policy(
    "strict-slack", "strict least slack with overflow", _slack_key, overflow=True, lost_last=False
)
ALL_POLICIES: tuple[Policy, ...] = (*POLICIES, STRICT_SLACK)


def policy_named(name: str) -> Policy:
    for policy in ALL_POLICIES:
        if policy.name == name:
            return policy
    known = ", ".join(p.name for p in ALL_POLICIES)
    raise ValueError(f"unknown policy {name!r} (known: {known})")
