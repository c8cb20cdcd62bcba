"""Load and validate an organisation folder (organisation, calendars, units, topics, agents, kb/).

Every file is read in full and every problem is collected before anything is raised, so an
administrator fixes a folder in one round. References between files (unit -> calendar,
topic -> unit, agent -> unit, article -> topic) are checked once all files are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar, cast

from yaml.nodes import Node

from workflow.org_errors import Location, OrgError, OrgProblem
from workflow.org_models import (
    UNIT_KINDS,
    Agent,
    Article,
    CalendarSpec,
    DeadlinePolicy,
    OpeningInterval,
    Organisation,
    Topic,
    Unit,
    UnitKind,
)
from workflow.org_values import (
    read_choice,
    read_dates,
    read_email,
    read_holidays,
    read_opening_hours,
    read_positive,
    read_timezone,
)
from workflow.org_yaml import YamlFile, is_null

ORG_FILES = ("organisation.yaml", "calendars.yaml", "units.yaml", "topics.yaml", "agents.yaml")
KB_FOLDER = "kb"

_CODE = re.compile(r"^[a-z][a-z0-9_.-]*$")

T = TypeVar("T")


@dataclass
class _Record(Generic[T]):
    """A value read from a file, with the nodes it came from, for checks made after reading."""

    value: T
    file: YamlFile
    path: str
    fields: dict[str, Node]

    def report(self, key: str, message: str) -> None:
        path = f"{self.path}.{key}" if self.path else key
        self.file.report(self.fields.get(key), path, message)


@dataclass
class _Settings:
    name: str
    timezone: str
    languages: tuple[str, ...]
    default_calendar: str
    triage_unit: str
    callback_unit: str
    min_topic_confidence: float
    triage_policy: DeadlinePolicy


@dataclass
class _Load:
    """The state of one load: problems, declared codes and references waiting to be checked."""

    folder: Path
    problems: list[OrgProblem] = field(default_factory=list)
    declared: dict[str, dict[str, Location]] = field(default_factory=dict)
    references: list[tuple[str, str, Location]] = field(default_factory=list)
    # Kinds whose declaring file could not be read: references to them would only repeat that.
    unreadable: set[str] = field(default_factory=set)

    def open(self, name: str) -> tuple[YamlFile, Node | None]:
        path = self.folder / name
        yf = YamlFile(path, self.problems)
        if not path.is_file():
            yf.report(None, "", "file not found")
            return yf, None
        text = _read_text(yf)
        return yf, None if text is None else yf.compose(text)

    def declare(self, kind: str, code: str, yf: YamlFile, node: Node, path: str) -> None:
        codes = self.declared.setdefault(kind, {})
        if code in codes:
            first = codes[code]
            yf.report(node, path, f"duplicate {kind} {code!r} (first at {_short(first)})")
        else:
            codes[code] = yf.where(node, path)

    def refer(self, kind: str, code: str, yf: YamlFile, node: Node, path: str) -> None:
        self.references.append((kind, code, yf.where(node, path)))

    def check_references(self) -> None:
        for kind, code, where in self.references:
            if kind in self.unreadable:
                continue
            known = self.declared.get(kind, {})
            if code not in known:
                listed = ", ".join(known) or "none"
                message = f"unknown {kind} {code!r} (known: {listed})"
                self.problems.append(OrgProblem(where, message))


def load_organisation(folder: Path) -> Organisation:
    """Read and validate the organisation in `folder`; raise OrgError listing every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        where = Location(folder, None, "")
        raise OrgError([OrgProblem(where, "organisation folder not found")])
    load = _Load(folder)
    settings = _read_settings(load)
    timezone = settings.value.timezone if settings else "UTC"
    calendars = _read_list(
        load, "calendars.yaml", "calendars", "calendar", lambda *a: _calendar(*a, timezone)
    )
    units = _read_list(load, "units.yaml", "units", "unit", _unit)
    topics = _read_list(load, "topics.yaml", "topics", "topic", _topic)
    agents = _read_list(load, "agents.yaml", "agents", "agent", _agent)
    articles = _read_articles(load)
    load.check_references()
    if settings is not None:
        _check_special_units(settings, units)
    _check_skills(units, topics)
    if load.problems:
        raise OrgError(sorted(load.problems, key=_problem_order))
    assert settings is not None  # no problems means organisation.yaml was read
    s = settings.value
    return Organisation(
        name=s.name,
        timezone=s.timezone,
        languages=s.languages,
        default_calendar=s.default_calendar,
        triage_unit=s.triage_unit,
        callback_unit=s.callback_unit,
        min_topic_confidence=s.min_topic_confidence,
        triage_policy=s.triage_policy,
        calendars=tuple(r.value for r in calendars),
        units=tuple(r.value for r in units),
        topics=tuple(r.value for r in topics),
        agents=tuple(r.value for r in agents),
        articles=tuple(articles),
    )


# --- organisation.yaml -------------------------------------------------------------------------


def _read_settings(load: _Load) -> _Record[_Settings] | None:
    yf, root = load.open("organisation.yaml")
    if root is None:
        load.unreadable.add("language")
        return None
    fields = yf.mapping(
        root,
        "",
        required=(
            "name",
            "timezone",
            "languages",
            "default_calendar",
            "triage_unit",
            "callback_unit",
            "min_topic_confidence",
            "triage_first_response_hours",
            "triage_priority",
        ),
    )
    if fields is None:
        load.unreadable.add("language")
        return None
    name = _optional(fields, "name", lambda n: yf.string(n, "name"))
    timezone = _optional(fields, "timezone", lambda n: read_timezone(yf, n, "timezone"))
    languages = _optional(fields, "languages", lambda n: yf.string_list(n, "languages"))
    if languages is None:
        load.unreadable.add("language")
    for i, language in enumerate(languages or ()):
        item = fields["languages"].value[i]
        load.declare("language", language, yf, item, f"languages[{i}]")
    default_calendar = _reference(load, yf, fields, "", "default_calendar", "calendar")
    triage_unit = _reference(load, yf, fields, "", "triage_unit", "unit")
    callback_unit = _reference(load, yf, fields, "", "callback_unit", "unit")
    threshold = _optional(
        fields, "min_topic_confidence", lambda n: yf.number(n, "min_topic_confidence", 0.0, 1.0)
    )
    hours = _optional(
        fields,
        "triage_first_response_hours",
        lambda n: read_positive(yf, n, "triage_first_response_hours"),
    )
    priority = _optional(
        fields, "triage_priority", lambda n: yf.integer(n, "triage_priority", 1, 5)
    )
    values = (name, timezone, languages, default_calendar, triage_unit, callback_unit)
    if any(v is None for v in (*values, threshold, hours, priority)):
        return None
    settings = _Settings(
        name=cast(str, name),
        timezone=cast(str, timezone),
        languages=cast(tuple[str, ...], languages),
        default_calendar=cast(str, default_calendar),
        triage_unit=cast(str, triage_unit),
        callback_unit=cast(str, callback_unit),
        min_topic_confidence=cast(float, threshold),
        triage_policy=DeadlinePolicy(cast(float, hours), cast(int, priority)),
    )
    return _Record(settings, yf, "", fields)


# --- lists of records --------------------------------------------------------------------------

_Reader = Callable[[_Load, YamlFile, Node, str], "_Record[T] | None"]


def _read_list(load: _Load, name: str, key: str, kind: str, reader: _Reader[T]) -> list[_Record[T]]:
    """Read `key: [records]` from file `name`, one record per item, each declaring a `kind`."""
    load.unreadable.add(kind)
    yf, root = load.open(name)
    if root is None:
        return []
    fields = yf.mapping(root, "", required=(key,))
    if fields is None or key not in fields:
        return []
    items = yf.sequence(fields[key], key)
    if items is None:
        return []
    if not items:
        yf.report(fields[key], key, "the list is empty")
        return []
    load.unreadable.discard(kind)
    records = [reader(load, yf, item, f"{key}[{i}]") for i, item in enumerate(items)]
    return [r for r in records if r is not None]


def _calendar(
    load: _Load, yf: YamlFile, node: Node, path: str, org_timezone: str
) -> _Record[CalendarSpec] | None:
    fields = yf.mapping(
        node, path, required=("code", "name", "hours"), optional=("timezone", "holidays", "closed")
    )
    if fields is None:
        return None
    code = _code(load, yf, fields, path, "calendar")
    name = _optional(fields, "name", lambda n: yf.string(n, f"{path}.name"))
    timezone = (
        read_timezone(yf, fields["timezone"], f"{path}.timezone")
        if not is_null(fields.get("timezone"))
        else org_timezone
    )
    hours = _optional(fields, "hours", lambda n: read_opening_hours(yf, n, f"{path}.hours"))
    holiday_source: tuple[str | None, str | None] | None = (None, None)
    if not is_null(fields.get("holidays")):
        holiday_source = read_holidays(yf, fields["holidays"], f"{path}.holidays")
    closed: tuple[date, ...] | None = ()
    if not is_null(fields.get("closed")):
        closed = read_dates(yf, fields["closed"], f"{path}.closed")
    if holiday_source is None or closed is None:
        return None
    if any(v is None for v in (code, name, timezone, hours)):
        return None
    country, subdivision = holiday_source
    spec = CalendarSpec(
        code=cast(str, code),
        name=cast(str, name),
        timezone=cast(str, timezone),
        hours=cast(tuple[OpeningInterval, ...], hours),
        holidays_country=country,
        holidays_subdivision=subdivision,
        closed_dates=closed,
    )
    return _Record(spec, yf, path, fields)


def _unit(load: _Load, yf: YamlFile, node: Node, path: str) -> _Record[Unit] | None:
    fields = yf.mapping(
        node, path, required=("code", "name", "kind", "calendar", "email"), optional=("topics",)
    )
    if fields is None:
        return None
    code = _code(load, yf, fields, path, "unit")
    name = _optional(fields, "name", lambda n: yf.string(n, f"{path}.name"))
    kind = _optional(fields, "kind", lambda n: read_choice(yf, n, f"{path}.kind", UNIT_KINDS))
    calendar = _reference(load, yf, fields, path, "calendar", "calendar")
    email = _optional(fields, "email", lambda n: read_email(yf, n, f"{path}.email"))
    topics: tuple[str, ...] | None = ()
    if not is_null(fields.get("topics")):
        topics = _references(load, yf, fields["topics"], f"{path}.topics", "topic")
    if any(v is None for v in (code, name, kind, calendar, email, topics)):
        return None
    unit = Unit(
        code=cast(str, code),
        name=cast(str, name),
        kind=cast(UnitKind, kind),
        calendar=cast(str, calendar),
        email=cast(str, email),
        topics=cast(tuple[str, ...], topics),
    )
    return _Record(unit, yf, path, fields)


def _topic(load: _Load, yf: YamlFile, node: Node, path: str) -> _Record[Topic] | None:
    fields = yf.mapping(
        node, path, required=("code", "unit", "first_response_hours", "priority", "description")
    )
    if fields is None:
        return None
    code = _code(load, yf, fields, path, "topic")
    unit = _reference(load, yf, fields, path, "unit", "unit")
    hours = _optional(
        fields,
        "first_response_hours",
        lambda n: read_positive(yf, n, f"{path}.first_response_hours"),
    )
    priority = _optional(fields, "priority", lambda n: yf.integer(n, f"{path}.priority", 1, 5))
    description = _optional(fields, "description", lambda n: yf.string(n, f"{path}.description"))
    if any(v is None for v in (code, unit, hours, priority, description)):
        return None
    topic = Topic(
        code=cast(str, code),
        unit=cast(str, unit),
        deadline=DeadlinePolicy(cast(float, hours), cast(int, priority)),
        description=cast(str, description),
    )
    return _Record(topic, yf, path, fields)


def _agent(load: _Load, yf: YamlFile, node: Node, path: str) -> _Record[Agent] | None:
    fields = yf.mapping(
        node, path, required=("id", "name", "units", "email"), optional=("languages",)
    )
    if fields is None:
        return None
    agent_id = _code(load, yf, fields, path, "agent", key="id")
    name = _optional(fields, "name", lambda n: yf.string(n, f"{path}.name"))
    units = _optional(fields, "units", lambda n: _references(load, yf, n, f"{path}.units", "unit"))
    email = _optional(fields, "email", lambda n: read_email(yf, n, f"{path}.email"))
    languages: tuple[str, ...] | None = ()
    if not is_null(fields.get("languages")):
        languages = _references(load, yf, fields["languages"], f"{path}.languages", "language")
    if units == ():
        yf.report(fields["units"], f"{path}.units", "an agent must belong to at least one unit")
        return None
    if any(v is None for v in (agent_id, name, units, email, languages)):
        return None
    agent = Agent(
        id=cast(str, agent_id),
        name=cast(str, name),
        units=cast(tuple[str, ...], units),
        email=cast(str, email),
        languages=cast(tuple[str, ...], languages),
    )
    return _Record(agent, yf, path, fields)


# --- kb/*.md -----------------------------------------------------------------------------------


def _read_articles(load: _Load) -> list[Article]:
    folder = load.folder / KB_FOLDER
    if not folder.is_dir():
        return []
    articles = []
    for path in sorted(folder.glob("*.md")):
        article = _article(load, path)
        if article is not None:
            articles.append(article)
    return articles


def _article(load: _Load, path: Path) -> Article | None:
    """An article is '---', YAML front matter, '---', then a Markdown body."""
    yf = YamlFile(path, load.problems, line_offset=1)
    text = _read_text(yf)
    if text is None:
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        yf.report(None, "", "expected front matter: the first line must be '---'")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        yf.report(None, "", "front matter is not closed by a '---' line")
        return None
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        problem = OrgProblem(Location(path, end + 2, ""), "the article has no body")
        load.problems.append(problem)
    root = yf.compose("\n".join(lines[1:end]))
    if root is None:
        return None
    fields = yf.mapping(
        root, "", required=("id", "title", "language", "topics"), optional=("keywords",)
    )
    if fields is None:
        return None
    article_id = _code(load, yf, fields, "", "article", key="id")
    title = _optional(fields, "title", lambda n: yf.string(n, "title"))
    language = _reference(load, yf, fields, "", "language", "language")
    topics = _optional(fields, "topics", lambda n: _references(load, yf, n, "topics", "topic"))
    keywords: tuple[str, ...] | None = ()
    if not is_null(fields.get("keywords")):
        keywords = yf.string_list(fields["keywords"], "keywords")
    if not body or any(v is None for v in (article_id, title, language, topics, keywords)):
        return None
    return Article(
        id=cast(str, article_id),
        title=cast(str, title),
        language=cast(str, language),
        topics=cast(tuple[str, ...], topics),
        keywords=cast(tuple[str, ...], keywords),
        body=body,
        source=path,
    )


# --- checks across files -----------------------------------------------------------------------


def _check_special_units(settings: _Record[_Settings], units: list[_Record[Unit]]) -> None:
    kinds = {r.value.code: r.value.kind for r in units}
    wanted = (("triage_unit", "triage"), ("callback_unit", "callcentre"))
    for key, kind in wanted:
        code = getattr(settings.value, key)
        if code in kinds and kinds[code] != kind:
            settings.report(key, f"unit {code!r} is of kind {kinds[code]!r}, expected {kind!r}")


def _check_skills(units: list[_Record[Unit]], topics: list[_Record[Topic]]) -> None:
    """A topic's unit must list the topic, and a unit may only list topics routed to it."""
    answered_by = {r.value.code: r.value.unit for r in topics}
    listed = {r.value.code: r.value.topics for r in units}
    for record in units:
        unit = record.value
        if unit.kind == "line" and not unit.topics:
            record.report("code", "a line unit must handle at least one topic (key 'topics')")
        for topic in unit.topics:
            owner = answered_by.get(topic)
            # A topic routed to an unknown unit is already reported as a dangling reference.
            if owner in listed and owner != unit.code:
                message = f"topic {topic!r} is routed to unit {owner!r} in topics.yaml"
                record.report("topics", message)
    for record in topics:
        topic = record.value
        if topic.unit in listed and topic.code not in listed[topic.unit]:
            message = f"unit {topic.unit!r} does not list topic {topic.code!r} in its topics"
            record.report("unit", message)


# --- field readers -----------------------------------------------------------------------------


def _optional(fields: dict[str, Node], key: str, read: Callable[[Node], T | None]) -> T | None:
    """Read a key the mapping check already reported as missing, if it is there."""
    node = fields.get(key)
    if is_null(node):
        return None
    return read(cast(Node, node))


def _code(
    load: _Load, yf: YamlFile, fields: dict[str, Node], path: str, kind: str, key: str = "code"
) -> str | None:
    node = fields.get(key)
    if is_null(node):
        return None
    key_path = f"{path}.{key}" if path else key
    code = yf.string(cast(Node, node), key_path)
    if code is None:
        return None
    if not _CODE.match(code):
        message = f"invalid {kind} {key} {code!r} (lower-case letters, digits, '_', '.', '-')"
        yf.report(node, key_path, message)
        return None
    load.declare(kind, code, yf, cast(Node, node), key_path)
    return code


def _reference(
    load: _Load, yf: YamlFile, fields: dict[str, Node], path: str, key: str, kind: str
) -> str | None:
    node = fields.get(key)
    if is_null(node):
        return None
    key_path = f"{path}.{key}" if path else key
    code = yf.string(cast(Node, node), key_path)
    if code is not None:
        load.refer(kind, code, yf, cast(Node, node), key_path)
    return code


def _references(
    load: _Load, yf: YamlFile, node: Node, path: str, kind: str
) -> tuple[str, ...] | None:
    codes = yf.string_list(node, path)
    if codes is None:
        return None
    items = cast(list[Node], node.value)
    for i, (code, item) in enumerate(zip(codes, items, strict=True)):
        load.refer(kind, code, yf, item, f"{path}[{i}]")
    return codes


# --- helpers -----------------------------------------------------------------------------------


def _read_text(yf: YamlFile) -> str | None:
    try:
        return yf.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        yf.report(None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        yf.report(None, "", f"cannot read the file: {exc.strerror}")
    return None


def _short(where: Location) -> str:
    return f"{where.file.name} line {where.line}"


def _problem_order(problem: OrgProblem) -> tuple[int, str, int]:
    name = problem.where.file.name
    rank = ORG_FILES.index(name) if name in ORG_FILES else len(ORG_FILES)
    return rank, str(problem.where.file), problem.where.line or 0
