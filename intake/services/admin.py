"""The organisation as administrators and supervisors read it: units, agents, absences and
substitutes, routing rules in order (validated as the loader reads them) and knowledge-base
articles. Supervisors may read; only administrators change anything (see `admin_*` modules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from intake.app import App
from intake.services.access import require_role
from intake.services.admin_files import FileProblem, problems_of
from intake.services.principal import Principal
from workflow.accounts import Role
from workflow.models import utcnow
from workflow.org import Organisation, OrgError, load_organisation
from workflow.org_models import WEEKDAY_NAMES, Absence, OpeningInterval
from workflow.rules_models import Actions, Conditions, Rule


@dataclass(frozen=True)
class UnitLine:
    code: str
    name: str
    kind: str
    calendar: str
    backup: str | None
    topics: tuple[str, ...]
    products: tuple[str, ...]
    regions: tuple[str, ...]
    email: str


@dataclass(frozen=True)
class AgentLine:
    id: str
    name: str
    units: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int
    hours: str
    # Who takes their work today, when they are away.
    away_for: str | None


@dataclass(frozen=True)
class AbsenceLine:
    agent: str
    agent_name: str
    starts: date
    ends: date
    substitute: str
    substitute_name: str
    reason: str
    state: str  # "current", "planned" or "over"


@dataclass(frozen=True)
class RuleLine:
    position: int
    name: str
    line: int | None
    conditions: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class ArticleLine:
    id: str
    title: str
    language: str
    topics: tuple[str, ...]
    file: str
    # Kept for the acknowledgements that named it, no longer offered.
    retired: bool = False


@dataclass(frozen=True)
class OrganisationOverview:
    name: str
    timezone: str
    folder: str
    today: date
    units: tuple[UnitLine, ...]
    agents: tuple[AgentLine, ...]
    absences: tuple[AbsenceLine, ...]
    rules: tuple[RuleLine, ...]
    articles: tuple[ArticleLine, ...]
    # Problems of the files as they are on disk now; the app keeps its last valid organisation.
    problems: tuple[FileProblem, ...]
    may_edit: bool


def require_reader(principal: Principal) -> None:
    require_role(principal, Role.SUPERVISOR)


def require_admin(principal: Principal) -> None:
    require_role(principal, Role.ADMIN)


def today_of(org: Organisation) -> date:
    return utcnow().astimezone(ZoneInfo(org.timezone)).date()


def organisation_overview(app: App, principal: Principal) -> OrganisationOverview:
    """The organisation read fresh from its folder, so the page shows what the files say (and
    their problems, if someone edited them by hand)."""
    require_reader(principal)
    folder = Path(app.settings.org_dir)
    try:
        org, problems = load_organisation(folder), ()
    except OrgError as error:
        org, problems = app.organisation, problems_of(error, folder)
    today = today_of(org)
    return OrganisationOverview(
        name=org.name,
        timezone=org.timezone,
        folder=str(folder),
        today=today,
        units=tuple(
            UnitLine(
                u.code,
                u.name,
                u.kind,
                u.calendar,
                u.backup,
                u.topics,
                u.products,
                u.regions,
                u.email,
            )
            for u in org.units
        ),
        agents=tuple(_agent_line(org, a.id, today) for a in org.agents),
        absences=tuple(_absence_line(org, a, today) for a in org.absences),
        rules=tuple(rule_line(i, r) for i, r in enumerate(org.rules, start=1)),
        articles=tuple(
            ArticleLine(a.id, a.title, a.language, a.topics, f"kb/{a.source.name}", a.retired)
            for a in org.articles
        ),
        problems=problems,
        may_edit=principal.role is Role.ADMIN,
    )


def _agent_line(org: Organisation, agent_id: str, today: date) -> AgentLine:
    agent = org.agent(agent_id)
    absence = org.absence_of(agent_id, today)
    return AgentLine(
        id=agent.id,
        name=agent.name,
        units=agent.units,
        skills=agent.skills,
        languages=agent.languages,
        capacity=agent.capacity,
        hours=describe_hours(agent.hours) or "hours of their units",
        away_for=absence.substitute if absence else None,
    )


def _name_of(org: Organisation, agent_id: str) -> str:
    return next((a.name for a in org.agents if a.id == agent_id), agent_id)


def _absence_line(org: Organisation, absence: Absence, today: date) -> AbsenceLine:
    state = "current" if absence.covers(today) else "planned" if absence.starts > today else "over"
    return AbsenceLine(
        agent=absence.agent,
        agent_name=_name_of(org, absence.agent),
        starts=absence.starts,
        ends=absence.ends,
        substitute=absence.substitute,
        substitute_name=_name_of(org, absence.substitute),
        reason=absence.reason,
        state=state,
    )


def describe_hours(hours: tuple[OpeningInterval, ...]) -> str:
    return ", ".join(
        f"{WEEKDAY_NAMES[i.weekday].capitalize()} {i.opens:%H:%M}-{i.closes:%H:%M}" for i in hours
    )


def rule_line(position: int, rule: Rule) -> RuleLine:
    return RuleLine(position, rule.name, rule.line, _conditions(rule.when), _actions(rule.then))


def _listed(label: str, values: tuple[object, ...]) -> list[str]:
    return [f"{label} is {' or '.join(str(v) for v in values)}"] if values else []


def _conditions(when: Conditions) -> tuple[str, ...]:
    found = [
        *_listed("topic", when.topics),
        *_listed("sentiment", when.sentiments),
        *_listed("channel", when.channels),
        *_listed("customer tier", when.tiers),
        *_listed("region", when.regions),
        *_listed("language", when.languages),
        *_listed("product", when.products),
        *_listed("an entity", when.entities),
    ]
    if when.min_confidence is not None:
        found.append(f"topic confidence at least {when.min_confidence:.0%}")
    if when.max_confidence is not None:
        found.append(f"topic confidence at most {when.max_confidence:.0%}")
    if when.keywords:
        found.append("text has " + ", ".join(f"“{k}”" for k in when.keywords))
    return tuple(found)


def _actions(then: Actions) -> tuple[str, ...]:
    found = []
    if then.unit:
        found.append(f"send to unit {then.unit}")
    if then.priority is not None:
        found.append(f"priority {then.priority}")
    if then.raise_priority:
        found.append(f"raise priority by {then.raise_priority}")
    if then.deadline:
        found.append(f"deadline policy {then.deadline}")
    if then.tags:
        found.append("tag " + ", ".join(then.tags))
    if then.acknowledge is False:
        found.append("no acknowledgement")
    elif then.acknowledge:
        found.append(f"acknowledge with article {then.article}" if then.article else "acknowledge")
    if then.stop:
        found.append("stop: later rules do not apply")
    return tuple(found)
