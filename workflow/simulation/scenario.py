"""What a simulated week looks like: contacts per topic and day, their spread over the hours of
the day and the weekdays, handling times, and the surge factors a supervisor wants to plan for.

Read from `simulation.yaml` in the organisation folder (or another file) with the organisation's
own YAML reader, so a mistake is reported with its file, line and key; every key is optional and
has a default that loads each unit to about 90% of its agents' hours.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TypeAlias

from yaml.nodes import Node

from workflow.org_errors import OrgProblem
from workflow.org_models import WEEKDAY_NAMES, Organisation, ServiceLevel
from workflow.org_yaml import YamlFile, is_null
from workflow.simulation.capacity import Staffing
from workflow.simulation.service_levels import read_service_levels, with_service_levels

SCENARIO_FILE = "simulation.yaml"
# Without a scenario, each unit gets this share of its agents' hours as work: busy, not broken.
DEFAULT_LOAD = 0.9
DEFAULT_HANDLING_MINUTES = 15.0
# Emails come in from early morning to late evening, most in office hours.
DEFAULT_HOURS: tuple[float, ...] = (
    *(0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 3.0, 7.0, 9.0, 9.0, 8.5),  # 00:00-11:59
    *(8.0, 8.0, 8.0, 7.5, 7.0, 5.5, 4.0, 3.0, 2.5, 2.0, 1.0, 0.5),  # 12:00-23:59
)
# Fewer contacts at the weekend; they wait for Monday.
DEFAULT_WEEKDAYS: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.25)
_WEEKDAY_ALIASES = {name: i for i, name in enumerate(WEEKDAY_NAMES)} | {
    full: i
    for i, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_SHARES = ("negative_share", "vip_share", "unsure_share", "scan_share")
_KEYS = (
    "base",
    "start",
    "topics",
    "hours",
    "weekdays",
    "surges",
    "topic_surges",
    "regions",
    "products",
    "handling_sigma",
    "rebalance_minutes",
    "deadlines",
    *_SHARES,
)


class ScenarioError(ValueError):
    """A scenario file or a --surge value that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class TopicLoad:
    """Contacts on one topic on an ordinary weekday, and how long one takes to answer."""

    topic: str
    per_day: float
    handling_minutes: float


# When a topic surge applies: a weekday (0 = Monday), every week, or one date.
SurgeDay: TypeAlias = int | date


@dataclass(frozen=True)
class TopicSurge:
    """One topic's volume times `factor` on a day: an outage, a campaign, a product recall."""

    topic: str
    day: SurgeDay
    factor: float

    def applies(self, topic: str, day: date) -> bool:
        when = day.weekday() if isinstance(self.day, int) else day
        return topic == self.topic and when == self.day


@dataclass(frozen=True)
class Scenario:
    start: date
    topics: tuple[TopicLoad, ...]
    # Relative weight of each hour of the day (0..23) in a day's arrivals.
    hours: tuple[float, ...] = DEFAULT_HOURS
    # Volume of each weekday (Monday first) relative to an ordinary weekday.
    weekdays: tuple[float, ...] = DEFAULT_WEEKDAYS
    # The surge: a factor per weekday on top of `weekdays` (2.0 = twice the usual volume).
    surges: tuple[float, ...] = (1.0,) * 7
    # Surges of single topics, on top of the above (every matching one multiplies).
    topic_surges: tuple[TopicSurge, ...] = ()
    # Spread of handling times: sigma of the lognormal around each topic's mean.
    handling_sigma: float = 0.5
    negative_share: float = 0.2
    vip_share: float = 0.03
    # Contacts the classifier is unsure of: they go to triage.
    unsure_share: float = 0.05
    scan_share: float = 0.2
    # Share of contacts from each region, and about each product (the rest: none given).
    regions: tuple[tuple[str, float], ...] = ()
    products: tuple[tuple[str, float], ...] = ()
    # How often the overflow clock runs (production runs it every few minutes).
    rebalance_minutes: float = 30.0
    # Deadline policies to plan with, laid over the organisation's (`service_levels.py`).
    service_levels: tuple[ServiceLevel, ...] = ()

    def planned_organisation(self, org: Organisation) -> Organisation:
        """The organisation as this scenario simulates it: its deadline policies included."""
        return with_service_levels(org, self.service_levels)

    def volume_factor(self, day: date, topic: str | None = None) -> float:
        """Contacts (on `topic`) on `day` relative to an ordinary weekday, surges included."""
        factor = self.weekdays[day.weekday()] * self.surges[day.weekday()]
        for surge in self.topic_surges:
            if topic is not None and surge.applies(topic, day):
                factor *= surge.factor
        return factor

    def with_surges(self, surges: dict[int, float]) -> Scenario:
        """The same scenario with the given weekdays' surge factors replaced."""
        factors = list(self.surges)
        for weekday, factor in surges.items():
            factors[weekday] = factor
        return replace(self, surges=tuple(factors))


def parse_surge(text: str) -> tuple[int, float]:
    """`monday=2.0` (or `mon=2`) as (weekday, factor); a clear ScenarioError otherwise."""
    name, sep, value = text.partition("=")
    if not sep:
        raise ScenarioError(f"--surge {text!r}: expected WEEKDAY=FACTOR, e.g. monday=2.0")
    weekday = _WEEKDAY_ALIASES.get(name.strip().lower())
    if weekday is None:
        raise ScenarioError(
            f"--surge {text!r}: {name.strip()!r} is not a weekday (monday..sunday or mon..sun)"
        )
    try:
        factor = float(value)
    except ValueError:
        raise ScenarioError(f"--surge {text!r}: factor {value.strip()!r} is not a number") from None
    if not 0 <= factor <= 100:
        raise ScenarioError(f"--surge {text!r}: factor {factor:g} is out of range (0..100)")
    return weekday, factor


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def load_scenario(org: Organisation, path: Path | None, default_start: date) -> Scenario:
    """The scenario in `path` (None: the defaults) checked against the organisation.

    A file with `base: other.yaml` (relative to itself) starts from that scenario and changes
    only the keys it gives, so a variant of the ordinary week does not repeat it."""
    if path is None:
        return default_scenario(org, default_start)
    return _load_file(org, path, default_start, within=())


def _load_file(
    org: Organisation, path: Path, default_start: date, within: tuple[Path, ...]
) -> Scenario:
    """`path` read as a scenario; `within`: the files whose base it is, outermost first."""
    if not path.is_file():
        raise ScenarioError(f"{path}: scenario file not found")
    if path.resolve() in within:
        chain = " -> ".join(str(p) for p in (*within, path.resolve()))
        raise ScenarioError(f"{path}: the scenario is its own base ({chain})")
    problems: list[OrgProblem] = []
    yf = YamlFile(path, problems)
    root = yf.compose(path.read_text(encoding="utf-8"))
    scenario = None
    if root is not None:
        reader = _ScenarioReader(org, yf, default_start, (*within, path.resolve()))
        scenario = reader.read(root)
    if problems or scenario is None:
        raise ScenarioError("\n".join(str(p) for p in problems))
    return scenario


def default_scenario(org: Organisation, start: date) -> Scenario:
    """Every topic of the organisation at DEFAULT_LOAD of its unit's hours on `start`'s day,
    shared equally among the unit's topics."""
    hours = Staffing(org).unit_hours_on(_first_weekday(start))
    loads = []
    for topic in org.topics:
        siblings = sum(1 for t in org.topics if t.unit == topic.unit)
        minutes = hours.get(topic.unit, 0.0) * 60 * DEFAULT_LOAD / siblings
        per_day = minutes / DEFAULT_HANDLING_MINUTES
        loads.append(TopicLoad(topic.code, per_day, DEFAULT_HANDLING_MINUTES))
    return Scenario(start=start, topics=tuple(loads))


def _first_weekday(start: date) -> date:
    day = start
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class _ScenarioReader:
    """Reads the fields of one scenario file; problems accumulate in the YamlFile."""

    def __init__(
        self, org: Organisation, yf: YamlFile, default_start: date, within: tuple[Path, ...]
    ) -> None:
        self.org = org
        self.yf = yf
        self.default_start = default_start
        self.within = within

    def read(self, root: Node) -> Scenario | None:
        fields = self.yf.mapping(root, "", optional=_KEYS)
        if fields is None:
            return None
        start = self._start(fields.get("start"))
        changes: dict[str, object] = {}
        node = fields.get("base")
        based = self._base(node) if node is not None else None
        if based is not None and start is not None:
            changes["start"] = start
        # A base that cannot be used is reported; the other keys are still read (over the
        # defaults), so one run names every mistake of the file.
        scenario = based or default_scenario(self.org, start or self.default_start)
        if (node := fields.get("topics")) is not None:
            changes["topics"] = self._topics(node)
        if (node := fields.get("hours")) is not None:
            changes["hours"] = self._hours(node)
        for key in ("weekdays", "surges"):
            if (node := fields.get(key)) is not None:
                changes[key] = self._weekdays(node, key, getattr(scenario, key))
        if (node := fields.get("topic_surges")) is not None:
            changes["topic_surges"] = self._topic_surges(node)
        if (node := fields.get("regions")) is not None:
            changes["regions"] = self._shares(node, "regions", {r.code for r in self.org.regions})
        if (node := fields.get("products")) is not None:
            changes["products"] = self._shares(node, "products", None)
        for key in _SHARES:
            if (node := fields.get(key)) is not None:
                changes[key] = self.yf.number(node, key, 0.0, 1.0)
        if (node := fields.get("handling_sigma")) is not None:
            changes["handling_sigma"] = self.yf.number(node, "handling_sigma", 0.0, 3.0)
        if (node := fields.get("rebalance_minutes")) is not None:
            changes["rebalance_minutes"] = self.yf.number(node, "rebalance_minutes", 1.0, 1440.0)
        if (node := fields.get("deadlines")) is not None:
            changes["service_levels"] = read_service_levels(self.org, self.yf, node)
        if self.yf.problems or any(value is None for value in changes.values()):
            return None
        return replace(scenario, **changes)  # type: ignore[arg-type]

    def _base(self, node: Node) -> Scenario | None:
        name = self.yf.string(node, "base")
        if name is None:
            return None
        try:
            return _load_file(self.org, self.yf.path.parent / name, self.default_start, self.within)
        except ScenarioError as error:
            self.yf.report(node, "base", f"{name!r} cannot be used: {error}")
            return None

    def _start(self, node: Node | None) -> date | None:
        return None if node is None or is_null(node) else self.yf.day(node, "start")

    def _topics(self, node: Node) -> tuple[TopicLoad, ...] | None:
        entries = self.yf.entries(node, "topics")
        if entries is None:
            return None
        loads = []
        for code, key_node, value in entries:
            path = f"topics.{code}"
            if self.org.find_topic(code) is None:
                known = ", ".join(t.code for t in self.org.topics)
                self.yf.report(key_node, path, f"not a topic of the organisation (known: {known})")
                continue
            fields = self.yf.mapping(value, path, required=("per_day", "handling_minutes"))
            if fields is None or "per_day" not in fields or "handling_minutes" not in fields:
                continue
            per_day = self.yf.number(fields["per_day"], f"{path}.per_day", 0.0, 100_000.0)
            minutes = self.yf.number(
                fields["handling_minutes"], f"{path}.handling_minutes", 0.1, 24 * 60.0
            )
            if per_day is not None and minutes is not None:
                loads.append(TopicLoad(code, per_day, minutes))
        return tuple(loads)

    def _topic_surges(self, node: Node) -> tuple[TopicSurge, ...] | None:
        """A list of `{topic: T, day: WEEKDAY or YYYY-MM-DD, factor: F}`."""
        items = self.yf.sequence(node, "topic_surges")
        if items is None:
            return None
        surges = []
        for index, item in enumerate(items):
            path = f"topic_surges[{index}]"
            fields = self.yf.mapping(item, path, required=("topic", "day", "factor"))
            if fields is None or not {"topic", "day", "factor"} <= fields.keys():
                continue
            topic = self.yf.string(fields["topic"], f"{path}.topic")
            if topic is not None and self.org.find_topic(topic) is None:
                known = ", ".join(t.code for t in self.org.topics)
                self.yf.report(
                    fields["topic"], f"{path}.topic", f"{topic!r} is not a topic (known: {known})"
                )
                topic = None
            day = self._surge_day(fields["day"], f"{path}.day")
            factor = self.yf.number(fields["factor"], f"{path}.factor", 0.0, 100.0)
            if topic is not None and day is not None and factor is not None:
                surges.append(TopicSurge(topic, day, factor))
        return tuple(surges)

    def _surge_day(self, node: Node, path: str) -> SurgeDay | None:
        """A weekday name (`mon`, `monday`: every week) as its number, or one date."""
        text = self.yf.scalar_text(node, path)
        if text is None:
            return None
        weekday = _WEEKDAY_ALIASES.get(text.lower())
        if weekday is not None:
            return weekday
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.yf.report(node, path, f"{text!r} is neither a weekday (mon..sun) nor a date")
            return None

    def _hours(self, node: Node) -> tuple[float, ...] | None:
        items = self.yf.sequence(node, "hours")
        if items is None:
            return None
        if len(items) != 24:
            self.yf.report(node, "hours", f"expected 24 weights (hours 0..23), got {len(items)}")
            return None
        weights = [self.yf.number(item, f"hours[{i}]", 0.0) for i, item in enumerate(items)]
        if any(w is None for w in weights):
            return None
        if sum(w for w in weights if w is not None) <= 0:
            self.yf.report(node, "hours", "at least one hour must have a weight above 0")
            return None
        return tuple(w for w in weights if w is not None)

    def _weekdays(self, node: Node, key: str, base: tuple[float, ...]) -> tuple[float, ...] | None:
        entries = self.yf.entries(node, key)
        if entries is None:
            return None
        factors = list(base)
        for name, key_node, value in entries:
            weekday = _WEEKDAY_ALIASES.get(name.lower())
            if weekday is None:
                self.yf.report(key_node, f"{key}.{name}", "not a weekday (mon..sun)")
                continue
            factor = self.yf.number(value, f"{key}.{name}", 0.0, 100.0)
            if factor is not None:
                factors[weekday] = factor
        return tuple(factors)

    def _shares(
        self, node: Node, key: str, known: set[str] | None
    ) -> tuple[tuple[str, float], ...] | None:
        entries = self.yf.entries(node, key)
        if entries is None:
            return None
        shares = []
        for name, key_node, value in entries:
            if known is not None and name not in known:
                listed = ", ".join(sorted(known)) or "none"
                self.yf.report(key_node, f"{key}.{name}", f"unknown (known: {listed})")
                continue
            share = self.yf.number(value, f"{key}.{name}", 0.0, 1.0)
            if share is not None:
                shares.append((name, share))
        if sum(share for _, share in shares) > 1.0 + 1e-9:
            self.yf.report(node, key, "the shares add up to more than 1")
            return None
        return tuple(shares)
