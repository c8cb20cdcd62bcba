"""The organisation as plain, frozen values: units, topics, calendars, agents, articles.

These are what `load_organisation` returns and what crosses package boundaries; they know nothing of
YAML or of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Literal, TypeVar

UnitKind = Literal["line", "callcentre", "triage", "mailroom"]
UNIT_KINDS: tuple[UnitKind, ...] = ("line", "callcentre", "triage", "mailroom")

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_Coded = TypeVar("_Coded", "CalendarSpec", "Unit", "Topic")


@dataclass(frozen=True)
class OpeningInterval:
    """One stretch of business hours on a weekday (0 = Monday), `opens` < `closes`."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class CalendarSpec:
    code: str
    name: str
    timezone: str
    hours: tuple[OpeningInterval, ...]
    holidays_country: str | None = None
    holidays_subdivision: str | None = None
    closed_dates: tuple[date, ...] = ()

    def intervals_on(self, weekday: int) -> tuple[OpeningInterval, ...]:
        return tuple(i for i in self.hours if i.weekday == weekday)


@dataclass(frozen=True)
class DeadlinePolicy:
    """How fast a first response is due, in business hours, and the priority (1 = highest .. 5)."""

    first_response_hours: float
    priority: int


@dataclass(frozen=True)
class Topic:
    code: str
    unit: str
    deadline: DeadlinePolicy
    description: str


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: UnitKind
    calendar: str
    email: str
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    units: tuple[str, ...]
    email: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """A knowledge-base article: front matter fields plus the Markdown body."""

    id: str
    title: str
    language: str
    topics: tuple[str, ...]
    keywords: tuple[str, ...]
    body: str
    source: Path


@dataclass(frozen=True)
class Organisation:
    name: str
    timezone: str
    languages: tuple[str, ...]
    default_calendar: str
    triage_unit: str
    callback_unit: str
    min_topic_confidence: float
    triage_policy: DeadlinePolicy
    calendars: tuple[CalendarSpec, ...]
    units: tuple[Unit, ...]
    topics: tuple[Topic, ...]
    agents: tuple[Agent, ...]
    articles: tuple[Article, ...]

    def calendar(self, code: str) -> CalendarSpec:
        return _by_code(self.calendars, code, "calendar")

    def unit(self, code: str) -> Unit:
        return _by_code(self.units, code, "unit")

    def topic(self, code: str) -> Topic:
        return _by_code(self.topics, code, "topic")

    def find_topic(self, code: str) -> Topic | None:
        return next((t for t in self.topics if t.code == code), None)

    def agents_of(self, unit_code: str) -> tuple[Agent, ...]:
        return tuple(a for a in self.agents if unit_code in a.units)

    def articles_for(self, topic: str, language: str | None = None) -> tuple[Article, ...]:
        return tuple(
            a
            for a in self.articles
            if topic in a.topics and (language is None or a.language == language)
        )


def _by_code(items: tuple[_Coded, ...], code: str, what: str) -> _Coded:
    for item in items:
        if item.code == code:
            return item
    known = ", ".join(i.code for i in items)
    raise KeyError(f"unknown {what} {code!r} (known: {known})")
