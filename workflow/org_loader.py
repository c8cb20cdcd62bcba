"""Load and validate an organisation folder (organisation, calendars, units, topics, agents,
and the optional deadlines, absences and rules files, kb/).

Every file is read in full and every problem is collected before anything is raised, so an
administrator fixes a folder in one round. References between files (unit -> calendar,
topic -> unit, agent -> unit, article -> topic, rule -> unit, ...) are checked once all files are
read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

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
from workflow.org_people import (
    ABSENCES_FILE,
    AGENT_EXTRAS,
    absence,
    read_agent_extras,
)
from workflow.org_policies import (
    DEADLINES_FILE,
    EXTRA_SETTINGS,
    OrgExtras,
    read_extras,
    service_level,
)
from workflow.org_reading import (
    Load,
    Reader,
    Record,
    T,
    optional_field,
    read_code,
    read_list,
    read_reference,
    read_references,
    read_text,
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
from workflow.rules_loader import RULES_FILE, rule

ORG_FILES = (
    "organisation.yaml",
    "calendars.yaml",
    "units.yaml",
    "topics.yaml",
    "agents.yaml",
    DEADLINES_FILE,
    ABSENCES_FILE,
    RULES_FILE,
)
KB_FOLDER = "kb"


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


def load_organisation(folder: Path) -> Organisation:
    """Read and validate the organisation in `folder`; raise OrgError listing every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        where = Location(folder, None, "")
        raise OrgError([OrgProblem(where, "organisation folder not found")])
    load = Load(folder)
    settings, extras = _read_settings(load)
    timezone = settings.value.timezone if settings else "UTC"
    calendars = read_list(
        load, "calendars.yaml", "calendars", "calendar", lambda *a: _calendar(*a, timezone)
    )
    units = read_list(load, "units.yaml", "units", "unit", _unit)
    topics = read_list(load, "topics.yaml", "topics", "topic", _topic)
    agents = read_list(load, "agents.yaml", "agents", "agent", _agent)
    levels = _read_optional_list(
        load, DEADLINES_FILE, "deadlines", "deadline policy", service_level
    )
    absences = _read_optional_list(load, ABSENCES_FILE, "absences", "absence", absence)
    rules = _read_optional_list(load, RULES_FILE, "rules", "rule", rule)
    articles = _read_articles(load)
    _declare_skills(load)
    load.check_references()
    if settings is not None:
        _check_special_units(settings, units)
    _check_skills(units, topics)
    _check_backups_and_regions(units)
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
        regions=tuple(extras.regions),
        service_levels=tuple(r.value for r in levels),
        absences=tuple(r.value for r in absences),
        rules=tuple(r.value for r in rules),
        incidents=extras.incidents,
        overflow=extras.overflow,
    )


def _read_optional_list(
    load: Load, name: str, key: str, kind: str, reader: Reader[T]
) -> list[Record[T]]:
    """A file an organisation may leave out: without it there is nothing of its kind."""
    if not (load.folder / name).is_file():
        return []
    return read_list(load, name, key, kind, reader)


def _declare_skills(load: Load) -> None:
    """An agent's skill is a topic or a product."""
    skills = {**load.declared.get("topic", {}), **load.declared.get("product", {})}
    load.declared["skill"] = skills
    if load.unreadable & {"topic", "product"}:
        load.unreadable.add("skill")


# --- organisation.yaml -------------------------------------------------------------------------


def _read_settings(load: Load) -> tuple[Record[_Settings] | None, OrgExtras]:
    settings, extras = _read_required_settings(load)
    if extras is None:
        load.unreadable.update(("region", "product"))
    return settings, extras or OrgExtras()


def _read_required_settings(load: Load) -> tuple[Record[_Settings] | None, OrgExtras | None]:
    yf, root = load.open("organisation.yaml")
    if root is None:
        load.unreadable.add("language")
        return None, None
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
        optional=EXTRA_SETTINGS,
    )
    if fields is None:
        load.unreadable.add("language")
        return None, None
    extras = read_extras(load, yf, fields)
    name = optional_field(fields, "name", lambda n: yf.string(n, "name"))
    timezone = optional_field(fields, "timezone", lambda n: read_timezone(yf, n, "timezone"))
    languages = optional_field(fields, "languages", lambda n: yf.string_list(n, "languages"))
    if languages is None:
        load.unreadable.add("language")
    for i, language in enumerate(languages or ()):
        item = fields["languages"].value[i]
        load.declare("language", language, yf, item, f"languages[{i}]")
    default_calendar = read_reference(load, yf, fields, "", "default_calendar", "calendar")
    triage_unit = read_reference(load, yf, fields, "", "triage_unit", "unit")
    callback_unit = read_reference(load, yf, fields, "", "callback_unit", "unit")
    threshold = optional_field(
        fields, "min_topic_confidence", lambda n: yf.number(n, "min_topic_confidence", 0.0, 1.0)
    )
    hours = optional_field(
        fields,
        "triage_first_response_hours",
        lambda n: read_positive(yf, n, "triage_first_response_hours"),
    )
    priority = optional_field(
        fields, "triage_priority", lambda n: yf.integer(n, "triage_priority", 1, 5)
    )
    values = (name, timezone, languages, default_calendar, triage_unit, callback_unit)
    if any(v is None for v in (*values, threshold, hours, priority)):
        return None, extras
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
    return Record(settings, yf, "", fields), extras


# --- lists of records --------------------------------------------------------------------------


def _calendar(
    load: Load, yf: YamlFile, node: Node, path: str, org_timezone: str
) -> Record[CalendarSpec] | None:
    fields = yf.mapping(
        node, path, required=("code", "name", "hours"), optional=("timezone", "holidays", "closed")
    )
    if fields is None:
        return None
    code = read_code(load, yf, fields, path, "calendar")
    name = optional_field(fields, "name", lambda n: yf.string(n, f"{path}.name"))
    timezone = (
        read_timezone(yf, fields["timezone"], f"{path}.timezone")
        if not is_null(fields.get("timezone"))
        else org_timezone
    )
    hours = optional_field(fields, "hours", lambda n: read_opening_hours(yf, n, f"{path}.hours"))
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
    return Record(spec, yf, path, fields)


def _unit(load: Load, yf: YamlFile, node: Node, path: str) -> Record[Unit] | None:
    fields = yf.mapping(
        node,
        path,
        required=("code", "name", "kind", "calendar", "email"),
        optional=("topics", "products", "regions", "backup"),
    )
    if fields is None:
        return None
    code = read_code(load, yf, fields, path, "unit")
    name = optional_field(fields, "name", lambda n: yf.string(n, f"{path}.name"))
    kind = optional_field(fields, "kind", lambda n: read_choice(yf, n, f"{path}.kind", UNIT_KINDS))
    calendar = read_reference(load, yf, fields, path, "calendar", "calendar")
    email = optional_field(fields, "email", lambda n: read_email(yf, n, f"{path}.email"))
    topics: tuple[str, ...] | None = ()
    if not is_null(fields.get("topics")):
        topics = read_references(load, yf, fields["topics"], f"{path}.topics", "topic")
    products = _optional_references(load, yf, fields, path, "products", "product")
    regions = _optional_references(load, yf, fields, path, "regions", "region")
    backup = read_reference(load, yf, fields, path, "backup", "unit")
    if any(v is None for v in (code, name, kind, calendar, email, topics, products, regions)):
        return None
    unit = Unit(
        code=cast(str, code),
        name=cast(str, name),
        kind=cast(UnitKind, kind),
        calendar=cast(str, calendar),
        email=cast(str, email),
        topics=cast(tuple[str, ...], topics),
        products=cast(tuple[str, ...], products),
        regions=cast(tuple[str, ...], regions),
        backup=backup,
    )
    return Record(unit, yf, path, fields)


def _optional_references(
    load: Load, yf: YamlFile, fields: dict[str, Node], path: str, key: str, kind: str
) -> tuple[str, ...] | None:
    if is_null(fields.get(key)):
        return ()
    return read_references(load, yf, fields[key], f"{path}.{key}", kind)


def _topic(load: Load, yf: YamlFile, node: Node, path: str) -> Record[Topic] | None:
    fields = yf.mapping(
        node,
        path,
        required=("code", "unit", "first_response_hours", "priority", "description"),
        optional=("resolution_hours",),
    )
    if fields is None:
        return None
    code = read_code(load, yf, fields, path, "topic")
    unit = read_reference(load, yf, fields, path, "unit", "unit")
    hours = optional_field(
        fields,
        "first_response_hours",
        lambda n: read_positive(yf, n, f"{path}.first_response_hours"),
    )
    priority = optional_field(fields, "priority", lambda n: yf.integer(n, f"{path}.priority", 1, 5))
    description = optional_field(
        fields, "description", lambda n: yf.string(n, f"{path}.description")
    )
    resolution = optional_field(
        fields, "resolution_hours", lambda n: read_positive(yf, n, f"{path}.resolution_hours")
    )
    if any(v is None for v in (code, unit, hours, priority, description)):
        return None
    if resolution is None and not is_null(fields.get("resolution_hours")):
        return None
    topic = Topic(
        code=cast(str, code),
        unit=cast(str, unit),
        deadline=DeadlinePolicy(cast(float, hours), cast(int, priority), resolution),
        description=cast(str, description),
    )
    return Record(topic, yf, path, fields)


def _agent(load: Load, yf: YamlFile, node: Node, path: str) -> Record[Agent] | None:
    fields = yf.mapping(
        node,
        path,
        required=("id", "name", "units", "email"),
        optional=("languages", *AGENT_EXTRAS),
    )
    if fields is None:
        return None
    agent_id = read_code(load, yf, fields, path, "agent", key="id")
    name = optional_field(fields, "name", lambda n: yf.string(n, f"{path}.name"))
    units = optional_field(
        fields, "units", lambda n: read_references(load, yf, n, f"{path}.units", "unit")
    )
    email = optional_field(fields, "email", lambda n: read_email(yf, n, f"{path}.email"))
    languages: tuple[str, ...] | None = ()
    if not is_null(fields.get("languages")):
        languages = read_references(load, yf, fields["languages"], f"{path}.languages", "language")
    if units == ():
        yf.report(fields["units"], f"{path}.units", "an agent must belong to at least one unit")
        return None
    extras = read_agent_extras(load, yf, fields, path)
    if any(v is None for v in (agent_id, name, units, email, languages, extras)):
        return None
    assert extras is not None
    agent = Agent(
        id=cast(str, agent_id),
        name=cast(str, name),
        units=cast(tuple[str, ...], units),
        email=cast(str, email),
        languages=cast(tuple[str, ...], languages),
        skills=extras.skills,
        capacity=extras.capacity,
        hours=extras.hours,
    )
    return Record(agent, yf, path, fields)


# --- kb/*.md -----------------------------------------------------------------------------------


def _read_articles(load: Load) -> list[Article]:
    folder = load.folder / KB_FOLDER
    if not folder.is_dir():
        return []
    articles = []
    for path in sorted(folder.glob("*.md")):
        article = _article(load, path)
        if article is not None:
            articles.append(article)
    return articles


def _article(load: Load, path: Path) -> Article | None:
    """An article is '---', YAML front matter, '---', then a Markdown body."""
    yf = YamlFile(path, load.problems, line_offset=1)
    text = read_text(yf)
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
        root, "", required=("id", "title", "language", "topics"), optional=("keywords", "retired")
    )
    if fields is None:
        return None
    article_id = read_code(load, yf, fields, "", "article", key="id")
    title = optional_field(fields, "title", lambda n: yf.string(n, "title"))
    language = read_reference(load, yf, fields, "", "language", "language")
    topics = optional_field(
        fields, "topics", lambda n: read_references(load, yf, n, "topics", "topic")
    )
    keywords: tuple[str, ...] | None = ()
    if not is_null(fields.get("keywords")):
        keywords = yf.string_list(fields["keywords"], "keywords")
    retired: bool | None = False
    if not is_null(fields.get("retired")):
        retired = yf.boolean(fields["retired"], "retired")
    values = (article_id, title, language, topics, keywords, retired)
    if not body or any(v is None for v in values):
        return None
    return Article(
        id=cast(str, article_id),
        title=cast(str, title),
        language=cast(str, language),
        topics=cast(tuple[str, ...], topics),
        keywords=cast(tuple[str, ...], keywords),
        body=body,
        source=path,
        retired=bool(retired),
    )


# --- checks across files -----------------------------------------------------------------------


def _check_special_units(settings: Record[_Settings], units: list[Record[Unit]]) -> None:
    kinds = {r.value.code: r.value.kind for r in units}
    wanted = (("triage_unit", "triage"), ("callback_unit", "callcentre"))
    for key, kind in wanted:
        code = getattr(settings.value, key)
        if code in kinds and kinds[code] != kind:
            settings.report(key, f"unit {code!r} is of kind {kinds[code]!r}, expected {kind!r}")


def _check_skills(units: list[Record[Unit]], topics: list[Record[Topic]]) -> None:
    """A topic's unit must list the topic, and a unit may only list topics routed to it, unless
    it narrows them to its regions or products (a specialist taking part of a topic)."""
    answered_by = {r.value.code: r.value.unit for r in topics}
    listed = {r.value.code: r.value.topics for r in units}
    for record in units:
        unit = record.value
        if unit.kind == "line" and not unit.topics:
            record.report("code", "a line unit must handle at least one topic (key 'topics')")
        for topic in unit.topics:
            owner = answered_by.get(topic)
            # A topic routed to an unknown unit is already reported as a dangling reference.
            specialist = unit.kind == "regional" or bool(unit.regions or unit.products)
            if owner in listed and owner != unit.code and not specialist:
                message = f"topic {topic!r} is routed to unit {owner!r} in topics.yaml"
                record.report("topics", message)
    for record in topics:
        topic = record.value
        if topic.unit in listed and topic.code not in listed[topic.unit]:
            message = f"unit {topic.unit!r} does not list topic {topic.code!r} in its topics"
            record.report("unit", message)


def _check_backups_and_regions(units: list[Record[Unit]]) -> None:
    kinds: dict[str, str] = {}
    for record in units:
        # A duplicated code is reported elsewhere; its first declaration counts here.
        kinds.setdefault(record.value.code, record.value.kind)
    for record in units:
        unit = record.value
        if unit.backup == unit.code:
            record.report("backup", "a unit cannot be its own backup")
        elif unit.backup in kinds and kinds[unit.backup] in ("mailroom", "callcentre"):
            message = f"backup unit {unit.backup!r} is of kind {kinds[unit.backup]!r}"
            record.report("backup", f"{message}; it cannot answer contacts")
        if unit.kind == "regional" and not unit.regions:
            record.report("code", "a regional unit must list its regions (key 'regions')")
        if unit.kind == "regional" and not unit.topics:
            record.report("code", "a regional unit must handle at least one topic (key 'topics')")


def _problem_order(problem: OrgProblem) -> tuple[int, str, int]:
    name = problem.where.file.name
    rank = ORG_FILES.index(name) if name in ORG_FILES else len(ORG_FILES)
    return rank, str(problem.where.file), problem.where.line or 0
