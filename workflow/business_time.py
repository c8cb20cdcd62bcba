"""Business time: opening hours, public holidays and closed days of one calendar.

All arithmetic on elapsed time is done in UTC: Python subtracts two datetimes that share a tzinfo
by wall clock, which would be off by an hour across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from workflow.org_models import CalendarSpec

# A calendar must open at least once in this many days, or a deadline can never be met.
_SEARCH_DAYS = 3 * 366


class BusinessCalendar:
    """Opening hours of a CalendarSpec in its time zone, minus public holidays and closed dates."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.tz = ZoneInfo(spec.timezone)
        self._holidays = (
            holidays.country_holidays(spec.holidays_country, subdiv=spec.holidays_subdivision)
            if spec.holidays_country
            else None
        )
        self._closed = frozenset(spec.closed_dates)
        # Opening intervals per local day: every deadline walks the same few days again.
        self._day_intervals: dict[date, list[tuple[datetime, datetime]]] = {}

    def is_business_day(self, day: date) -> bool:
        if day in self._closed or (self._holidays is not None and day in self._holidays):
            return False
        return bool(self.spec.intervals_on(day.weekday()))

    def closure_reason(self, day: date) -> str | None:
        """Why a day is closed ("Christmas Day", "closed date", "no hours on sun"), None if open."""
        if day in self._closed:
            return "closed date"
        if self._holidays is not None and day in self._holidays:
            return str(self._holidays.get(day))
        if not self.spec.intervals_on(day.weekday()):
            return f"no hours on {day.strftime('%a').lower()}"
        return None

    def is_open(self, at: datetime) -> bool:
        at = self._aware(at, "at")
        local_day = at.astimezone(self.tz).date()
        return any(start <= at < end for start, end in self._intervals_of(local_day))

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself if open, otherwise the start of the next opening interval."""
        return self.add_business_hours(at, 0)

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of business time after `start`, in the calendar's time zone.

        A start outside business hours counts from the next opening; time runs only inside
        opening intervals, so nights, weekends, holidays and closed dates are skipped.
        """
        start = self._aware(start, "start")
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        for open_at, close_at in self._intervals_from(start):
            begin = max(open_at, start)
            available = close_at - begin
            if remaining <= available:
                return (begin + remaining).astimezone(self.tz)
            remaining -= available
        raise ValueError(self._never_open_message(start))

    def business_hours_between(self, a: datetime, b: datetime) -> float:
        """Business hours from `a` to `b`; negative when `b` is before `a`."""
        a, b = self._aware(a, "a"), self._aware(b, "b")
        if b < a:
            return -self.business_hours_between(b, a)
        total = timedelta()
        for open_at, close_at in self._intervals_from(a):
            if open_at >= b:
                break
            total += min(close_at, b) - max(open_at, a)
        return total / timedelta(hours=1)

    def _intervals_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Opening intervals (UTC) that end after `start`, in order, for a bounded search."""
        day = start.astimezone(self.tz).date()
        for offset in range(_SEARCH_DAYS):
            for open_at, close_at in self._intervals_of(day + timedelta(days=offset)):
                if close_at > start:
                    yield open_at, close_at

    def _intervals_of(self, day: date) -> list[tuple[datetime, datetime]]:
        intervals = self._day_intervals.get(day)
        if intervals is None:
            intervals = self._day_intervals[day] = self._compute_intervals_of(day)
        return intervals

    def _compute_intervals_of(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_business_day(day):
            return []
        return [
            (
                datetime.combine(day, i.opens, tzinfo=self.tz).astimezone(UTC),
                datetime.combine(day, i.closes, tzinfo=self.tz).astimezone(UTC),
            )
            for i in self.spec.intervals_on(day.weekday())
        ]

    def _never_open_message(self, start: datetime) -> str:
        return (
            f"calendar {self.spec.code!r} has no business hours in the {_SEARCH_DAYS} days "
            f"after {start.isoformat()}"
        )

    @staticmethod
    def _aware(value: datetime, name: str) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
        return value.astimezone(UTC)


@lru_cache(maxsize=64)
def business_calendar(spec: CalendarSpec) -> BusinessCalendar:
    """A shared BusinessCalendar per spec (specs are frozen, so they make good cache keys)."""
    return BusinessCalendar(spec)
