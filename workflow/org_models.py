"""The organisation as plain, frozen values: units, topics, calendars, agents, absences, service
levels, routing rules and articles.

These are what `load_organisation` returns and what crosses package boundaries; they know nothing of
YAML or of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Literal, TypeVar

from workflow.rules_models import Rule

UnitKind = Literal["line", "regional", "callcentre", "triage", "mailroom"]
UNIT_KINDS: tuple[UnitKind, ...] = ("line", "regional", "callcentre", "triage", "mailroom")

WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_Coded = TypeVar("_Coded", "CalendarSpec", "Unit", "Topic", "Region", "ServiceLevel")


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
    """How fast a first response (and, when set, the resolution) is due, in business hours, and
    the priority (1 = highest .. 5)."""

    first_response_hours: float
    priority: int
    resolution_hours: float | None = None


@dataclass(frozen=True)
class ServiceLevel:
    """A deadline policy of `deadlines.yaml`: response and resolution times for contacts of a
    topic and/or a priority (None matches any), or for rules that name it by `code`."""

    code: str
    first_response_hours: float
    resolution_hours: float | None
    topic: str | None = None
    priority: int | None = None

    @property
    def specificity(self) -> int:
        return (self.topic is not None) * 2 + (self.priority is not None)


@dataclass(frozen=True)
class PostcodeRange:
    """Postcodes whose leading characters fall from `first` to `last`: "00-".."05-" holds
    "00-950" and "05-075"; a prefix such as "96-" is the range "96-".."96-"."""

    first: str
    last: str

    def covers(self, postcode: str) -> bool:
        code = normalise_postcode(postcode)
        return self.first <= code[: len(self.first)] and code[: len(self.last)] <= self.last


@dataclass(frozen=True)
class Region:
    code: str
    postcodes: tuple[PostcodeRange, ...]

    def covers(self, postcode: str) -> bool:
        return any(r.covers(postcode) for r in self.postcodes)


def normalise_postcode(postcode: str) -> str:
    """ "pl 00-950" and "00-950 " compare as "00-950"; a country prefix is dropped."""
    text = postcode.strip().upper()
    country, _, rest = text.partition(" ")
    return rest.strip() if rest and country.isalpha() and len(country) == 2 else text


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
    # Skills beyond topics: a unit with products takes only contacts about them.
    products: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    # Where work goes when this unit would break its deadlines.
    backup: str | None = None


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    units: tuple[str, ...]
    email: str
    languages: tuple[str, ...] = ()
    # Topics or products this agent knows best.
    skills: tuple[str, ...] = ()
    # Tasks the agent may hold at once.
    capacity: int = 5
    # Working hours; empty means the hours of the agent's units.
    hours: tuple[OpeningInterval, ...] = ()


@dataclass(frozen=True)
class Absence:
    """An agent away from `starts` to `ends` (both days included); `substitute` takes their work."""

    agent: str
    starts: date
    ends: date
    substitute: str
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


@dataclass(frozen=True)
class IncidentPolicy:
    """When `min_contacts` on one topic (and product or region) arrive within `window_minutes`,
    an incident opens: its cases get `priority` and `notify_unit` gets a task."""

    min_contacts: int
    window_minutes: float
    priority: int
    notify_unit: str


@dataclass(frozen=True)
class OverflowPolicy:
    """How a unit's throughput is measured: done tasks over the last `window_days`; with fewer
    than `min_done` of them it is estimated from the unit's agents instead."""

    window_days: float = 7.0
    min_done: int = 10


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
    # A retired article stays in the folder (acknowledgements sent earlier name it) but is no
    # longer offered to customers.
    retired: bool = False


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
    regions: tuple[Region, ...] = ()
    service_levels: tuple[ServiceLevel, ...] = ()
    absences: tuple[Absence, ...] = ()
    rules: tuple[Rule, ...] = ()
    incidents: IncidentPolicy | None = None
    overflow: OverflowPolicy = OverflowPolicy()

    def calendar(self, code: str) -> CalendarSpec:
        return _by_code(self.calendars, code, "calendar")

    def unit(self, code: str) -> Unit:
        return _by_code(self.units, code, "unit")

    def topic(self, code: str) -> Topic:
        return _by_code(self.topics, code, "topic")

    def find_topic(self, code: str) -> Topic | None:
        return next((t for t in self.topics if t.code == code), None)

    def region(self, code: str) -> Region:
        return _by_code(self.regions, code, "region")

    def region_of(self, postcode: str | None) -> Region | None:
        """The first region (in file order) whose postcodes hold `postcode`."""
        if not postcode:
            return None
        return next((r for r in self.regions if r.covers(postcode)), None)

    def service_level(self, code: str) -> ServiceLevel:
        return _by_code(self.service_levels, code, "deadline policy")

    def service_level_for(self, topic: str | None, priority: int) -> ServiceLevel | None:
        """The most specific policy for this topic and priority: topic and priority, then topic,
        then priority alone."""
        matching = [
            s
            for s in self.service_levels
            if s.topic in (None, topic)
            and s.priority in (None, priority)
            and (s.topic is not None or s.priority is not None)
        ]
        return max(matching, key=lambda s: s.specificity, default=None)

    def agent(self, agent_id: str) -> Agent:
        for agent in self.agents:
            if agent.id == agent_id:
                return agent
        raise KeyError(f"unknown agent {agent_id!r}")

    def absence_of(self, agent_id: str, day: date) -> Absence | None:
        return next((a for a in self.absences if a.agent == agent_id and a.covers(day)), None)

    def agents_of(self, unit_code: str) -> tuple[Agent, ...]:
        return tuple(a for a in self.agents if unit_code in a.units)

    def articles_for(self, topic: str, language: str | None = None) -> tuple[Article, ...]:
        return tuple(
            a
            for a in self.articles
            if not a.retired and topic in a.topics and (language is None or a.language == language)
        )


def _by_code(items: tuple[_Coded, ...], code: str, what: str) -> _Coded:
    for item in items:
        if item.code == code:
            return item
    known = ", ".join(i.code for i in items)
    raise KeyError(f"unknown {what} {code!r} (known: {known})")
