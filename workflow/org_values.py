"""Readers for the value formats of organisation files: opening hours, holidays, time zones.

Each reader records a problem on its YamlFile and returns None when the value is unusable, so
the loader can keep reading and report everything at once.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from yaml.nodes import Node

from workflow.org_models import WEEKDAY_NAMES, OpeningInterval
from workflow.org_yaml import YamlFile, is_null

_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def read_choice(yf: YamlFile, node: Node, path: str, allowed: tuple[str, ...]) -> str | None:
    value = yf.string(node, path)
    if value is not None and value not in allowed:
        yf.report(node, path, f"{value!r} is not one of: {', '.join(allowed)}")
        return None
    return value


def read_email(yf: YamlFile, node: Node, path: str) -> str | None:
    value = yf.string(node, path)
    if value is not None and not _EMAIL.match(value):
        yf.report(node, path, f"invalid e-mail address {value!r}")
        return None
    return value


def read_positive(yf: YamlFile, node: Node, path: str) -> float | None:
    value = yf.number(node, path, 0.0)
    if value == 0:
        yf.report(node, path, "must be greater than 0")
        return None
    return value


def read_timezone(yf: YamlFile, node: Node, path: str) -> str | None:
    name = yf.string(node, path)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        yf.report(node, path, f"unknown time zone {name!r} (e.g. 'Europe/Warsaw')")
        return None
    return name


def read_holidays(yf: YamlFile, node: Node, path: str) -> tuple[str, str | None] | None:
    """(country, subdivision) of `{country: PL, subdivision: "14"}`, checked with `holidays`."""
    fields = yf.mapping(node, path, required=("country",), optional=("subdivision",))
    if fields is None or is_null(fields.get("country")):
        return None
    country = yf.string(fields["country"], f"{path}.country")
    subdivision = None
    if not is_null(fields.get("subdivision")):
        subdivision = yf.scalar_text(fields["subdivision"], f"{path}.subdivision")
        if subdivision is None:
            return None
    if country is None:
        return None
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as exc:
        key = "subdivision" if subdivision and "subdivision" in str(exc) else "country"
        yf.report(fields[key], f"{path}.{key}", f"not known to the holidays package: {exc}")
        return None
    return country, subdivision


def read_dates(yf: YamlFile, node: Node, path: str) -> tuple[date, ...] | None:
    items = yf.sequence(node, path)
    if items is None:
        return None
    days = [yf.day(item, f"{path}[{i}]") for i, item in enumerate(items)]
    if any(d is None for d in days):
        return None
    return tuple(sorted({d for d in days if d is not None}))


def read_opening_hours(yf: YamlFile, node: Node, path: str) -> tuple[OpeningInterval, ...] | None:
    """`{mon-fri: "08:00-16:00", sat: ["09:00-12:00", "13:00-15:00"]}`; absent days are closed."""
    entries = yf.entries(node, path)
    if entries is None:
        return None
    intervals: list[OpeningInterval] = []
    defined_by: dict[int, str] = {}
    ok = True
    for key, key_node, value in entries:
        days = _weekdays(key)
        if days is None:
            message = f"unknown weekday {key!r} (use mon..sun or a range such as 'mon-fri')"
            yf.report(key_node, f"{path}.{key}", message)
            ok = False
            continue
        for day in days:
            if day in defined_by:
                message = f"{WEEKDAY_NAMES[day]} already has hours from {defined_by[day]!r}"
                yf.report(key_node, f"{path}.{key}", message)
                ok = False
            defined_by[day] = key
        spans = _spans(yf, value, f"{path}.{key}")
        if spans is None:
            ok = False
            continue
        intervals.extend(OpeningInterval(d, o, c) for d in days for o, c in spans)
    if ok and not intervals:
        yf.report(node, path, "a calendar must be open on at least one weekday")
        return None
    return tuple(sorted(intervals, key=lambda i: (i.weekday, i.opens))) if ok else None


def _weekdays(key: str) -> list[int] | None:
    first, _, last = key.strip().lower().partition("-")
    if first not in WEEKDAY_NAMES or (last and last not in WEEKDAY_NAMES):
        return None
    start = WEEKDAY_NAMES.index(first)
    end = WEEKDAY_NAMES.index(last) if last else start
    return list(range(start, end + 1)) if start <= end else None


def _spans(yf: YamlFile, node: Node, path: str) -> list[tuple[time, time]] | None:
    texts: list[tuple[Node, str]] = []
    if node.tag.endswith(":seq"):
        for i, item in enumerate(node.value):
            text = yf.string(item, f"{path}[{i}]")
            if text is None:
                return None
            texts.append((item, text))
    else:
        text = yf.string(node, path)
        if text is None:
            return None
        texts.append((node, text))
    spans = []
    for item, text in texts:
        span = _span(yf, item, path, text)
        if span is None:
            return None
        spans.append(span)
    spans.sort()
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            yf.report(node, path, "opening intervals overlap")
            return None
    return spans


def _span(yf: YamlFile, node: Node, path: str, text: str) -> tuple[time, time] | None:
    match = _INTERVAL.match(text)
    if match is None:
        yf.report(node, path, f"invalid opening hours {text!r} (expected HH:MM-HH:MM)")
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    for hour, minute in ((h1, m1), (h2, m2)):
        if hour > 23 or minute > 59:
            message = f"invalid time '{hour:02d}:{minute:02d}' in {text!r} (00:00..23:59)"
            yf.report(node, path, message)
            return None
    opens, closes = time(h1, m1), time(h2, m2)
    if closes <= opens:
        yf.report(node, path, f"closing time must be after opening time in {text!r}")
        return None
    return opens, closes
