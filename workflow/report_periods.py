"""A report's period in the organisation's time zone, and the SQL that puts a timestamp into its
day or week.

Buckets are local days (or weeks from Monday), so a contact received at 00:30 in Warsaw counts
on that Warsaw day, also across a daylight-saving change. The database computes the bucket
from the UTC epoch plus the zone's offset at that instant: the offset is a CASE over the
zone's transitions inside the period (usually none, at most a few), so one GROUP BY does it on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

_DAY = 86_400


class BucketSize(enum.StrEnum):
    DAY = "day"
    WEEK = "week"

    @property
    def days(self) -> int:
        return 7 if self is BucketSize.WEEK else 1


@dataclass(frozen=True)
class Period:
    """Local dates `first` to `last`, both included, counted in buckets of `size`."""

    first: date
    last: date
    size: BucketSize
    timezone: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def start(self) -> datetime:
        """The first instant of the period, in UTC."""
        return _local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The first instant after the period, in UTC."""
        return _local_midnight(self.last + timedelta(days=1), self.zone)

    @property
    def first_bucket(self) -> date:
        """The day the first bucket starts: the period's first day, or its week's Monday."""
        if self.size is BucketSize.WEEK:
            return self.first - timedelta(days=self.first.weekday())
        return self.first

    @property
    def buckets(self) -> tuple[date, ...]:
        step = self.size.days
        count = (self.last - self.first_bucket).days // step + 1
        return tuple(self.first_bucket + timedelta(days=i * step) for i in range(count))


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


class _EpochSeconds(FunctionElement[int]):
    """Seconds since 1970-01-01 UTC of a timestamp column."""

    type = Integer()
    inherit_cache = True


@compiles(_EpochSeconds, "sqlite")
def _epoch_sqlite(element: _EpochSeconds, compiler: Any, **kw: Any) -> str:
    # SQLite stores the UTC wall clock as text (workflow.models.base.UTCDateTime).
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(_EpochSeconds, "postgresql")
def _epoch_postgresql(element: _EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS INTEGER)"


class _WholeDivision(FunctionElement[int]):
    """`a / b` rounded down, for a >= 0 (both engines, whatever their division rules)."""

    type = Integer()
    inherit_cache = True


@compiles(_WholeDivision, "sqlite")
def _divide_sqlite(element: _WholeDivision, compiler: Any, **kw: Any) -> str:
    left, right = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(({left}) / ({right}))"


@compiles(_WholeDivision, "postgresql")
def _divide_postgresql(element: _WholeDivision, compiler: Any, **kw: Any) -> str:
    left, right = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"div(({left}), ({right}))"


def bucket_of(column: Any, period: Period) -> ColumnElement[int]:
    """The 0-based bucket of `column` (a UTC timestamp inside the period), computed in SQL."""
    local_seconds = _EpochSeconds(column) + _offset_seconds(column, period)
    first = int(datetime.combine(period.first_bucket, time(), UTC).timestamp())
    return _WholeDivision(local_seconds - first, literal(period.size.days * _DAY))


def _offset_seconds(column: Any, period: Period) -> ColumnElement[int]:
    changes = _offsets(period)
    if len(changes) == 1:
        return literal(changes[0][1], Integer)
    whens = [(column < since, offset) for (_, offset), (since, _) in pairwise(changes)]
    return case(*whens, else_=literal(changes[-1][1], Integer))


def _offsets(period: Period) -> list[tuple[datetime, int]]:
    """(from when, UTC offset in seconds) for each stretch of the period with one offset."""
    zone = period.zone
    found = [(period.start, _offset_at(period.start, zone))]
    day = period.start
    while day < period.end:
        following = day + timedelta(days=1)
        if _offset_at(following, zone) != found[-1][1]:
            # Zones change their offset on a quarter hour; find that moment inside the day.
            moment = day
            while _offset_at(moment, zone) == found[-1][1]:
                moment += timedelta(minutes=15)
            found.append((moment, _offset_at(moment, zone)))
        day = following
    return found


def _offset_at(moment: datetime, zone: ZoneInfo) -> int:
    delta = moment.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta else 0
