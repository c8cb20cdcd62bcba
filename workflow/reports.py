"""Reports for supervisors, aggregated by the database (GROUP BY) over one period: contacts by
channel, topic and sentiment per day or week, the Pareto of topics, and deadline attainment per
unit. Mail that is not a customer's request (auto-replies, delivery reports) is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from workflow.models import Contact, Task, TaskStatus
from workflow.report_periods import Period, bucket_of

# What a contact without the label is counted as.
UNLABELLED = "unclassified"


@dataclass(frozen=True)
class Series:
    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class TimeSeries:
    """Counts per bucket (`buckets` are the local days the buckets start) and label."""

    period: Period
    buckets: tuple[date, ...]
    series: tuple[Series, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(s.counts[i] for s in self.series) for i in range(len(self.buckets)))

    def shares(self, label: str) -> tuple[float | None, ...]:
        """The label's share of each bucket; None where the bucket is empty."""
        counts = next((s.counts for s in self.series if s.label == label), None)
        if counts is None:
            return tuple(None for _ in self.buckets)
        return tuple(c / t if t else None for c, t in zip(counts, self.totals, strict=True))


@dataclass(frozen=True)
class ParetoRow:
    topic: str
    contacts: int
    share: float
    cumulative_share: float


@dataclass(frozen=True)
class AttainmentRow:
    """Tasks a unit completed in the period: on time means completed no later than due."""

    unit: str
    completed: int
    on_time: int
    late: int
    without_deadline: int

    @property
    def attainment(self) -> float | None:
        with_deadline = self.on_time + self.late
        return self.on_time / with_deadline if with_deadline else None


def _received_in(period: Period) -> list[ColumnElement[bool]]:
    return [
        Contact.received_at >= period.start,
        Contact.received_at < period.end,
        Contact.noise.is_(None),
    ]


def contacts_over_time(session: Session, period: Period, by: str) -> TimeSeries:
    """Contacts per bucket and channel, topic or sentiment (`by` names the column)."""
    column = {"channel": Contact.channel, "topic": Contact.topic, "sentiment": Contact.sentiment}[
        by
    ]
    bucket = bucket_of(Contact.received_at, period).label("bucket")
    label = func.coalesce(column, UNLABELLED).label("label")
    rows = session.execute(
        select(bucket, label, func.count()).where(*_received_in(period)).group_by(bucket, label)
    ).all()
    return _series(period, ((int(b), str(name), int(n)) for b, name, n in rows))


def _series(period: Period, rows: Iterable[tuple[int, str, int]]) -> TimeSeries:
    buckets = period.buckets
    counts: dict[str, list[int]] = {}
    for bucket, label, number in rows:
        counts.setdefault(label, [0] * len(buckets))[bucket] += number
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1]), item[0]))
    return TimeSeries(period, buckets, tuple(Series(k, tuple(v)) for k, v in ordered))


def topic_counts(session: Session, period: Period) -> dict[str, int]:
    label = func.coalesce(Contact.topic, UNLABELLED).label("label")
    rows = session.execute(
        select(label, func.count()).where(*_received_in(period)).group_by(label)
    ).all()
    return {str(name): int(number) for name, number in rows}


def pareto(counts: dict[str, int]) -> tuple[ParetoRow, ...]:
    """Topics by count, largest first (ties by name), with each one's share and the running
    share of all contacts up to and including it."""
    total = sum(counts.values())
    rows: list[ParetoRow] = []
    running = 0
    for topic, number in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        running += number
        rows.append(ParetoRow(topic, number, number / total, running / total))
    return tuple(rows)


def deadline_attainment(session: Session, period: Period) -> tuple[AttainmentRow, ...]:
    """Per unit, the tasks completed in the period and how many of them were on time."""
    due = Task.due_at.is_not(None)
    on_time = func.sum(case((due & (Task.completed_at <= Task.due_at), 1), else_=0))
    late = func.sum(case((due & (Task.completed_at > Task.due_at), 1), else_=0))
    without = func.sum(case((due, 0), else_=1))
    rows = session.execute(
        select(Task.unit, func.count(), on_time, late, without)
        .where(
            Task.status == TaskStatus.DONE,
            Task.completed_at >= period.start,
            Task.completed_at < period.end,
        )
        .group_by(Task.unit)
        .order_by(Task.unit)
    ).all()
    return tuple(
        AttainmentRow(str(unit), int(n), int(ok or 0), int(bad or 0), int(none or 0))
        for unit, n, ok, bad, none in rows
    )
