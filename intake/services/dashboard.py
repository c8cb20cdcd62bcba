"""The supervisor's live picture: queues and deadlines at risk per unit, agents free, busy or
absent, contacts per hour by channel, and open incidents.

Every figure comes from an aggregate query (GROUP BY in the database): the dashboard is polled
every few seconds by every supervisor and must stay fast with a hundred thousand open tasks, so
no task row is ever loaded here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    Interval,
    String,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from intake.app import App
from intake.services.access import require_role
from intake.services.principal import Principal
from workflow.accounts import Role
from workflow.incidents import OPEN as INCIDENT_OPEN
from workflow.models import Case, CaseStatus, Contact, Incident, Task, TaskStatus, utcnow
from workflow.org_models import Organisation
from workflow.queue import ACTIVE

AT_RISK_DEFINITION = (
    "At risk: not late yet, but the slack (time left before the deadline minus the expected "
    "handling time) is less than one expected handling time, so the task breaks its deadline "
    "unless someone starts it soon. Late: the deadline has passed."
)
HOURS_SHOWN = 24
# Julian day number of the Unix epoch: SQLite's julianday() counts days from here.
_UNIX_EPOCH_JULIAN_DAY = 2440587.5


class AgentState(enum.StrEnum):
    FREE = "free"
    BUSY = "busy"
    ABSENT = "absent"


@dataclass(frozen=True)
class UnitLoad:
    code: str
    name: str
    kind: str
    open: int
    claimed: int
    queue: int
    oldest_created_at: datetime | None
    oldest_age_minutes: float | None
    at_risk: int
    late: int
    warned: int
    escalated: int


@dataclass(frozen=True)
class AgentLine:
    id: str
    name: str
    units: tuple[str, ...]
    state: str
    holding: int
    capacity: int
    substitute: str | None
    absent_until: date | None
    absence_reason: str


@dataclass(frozen=True)
class HourVolume:
    """Contacts received in the hour that starts at `starts_at`, by channel."""

    starts_at: datetime
    by_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


@dataclass(frozen=True)
class IncidentLine:
    id: int
    title: str
    topic: str
    product: str | None
    region: str | None
    opened_at: datetime
    contacts: int
    open_cases: int


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    units: tuple[UnitLoad, ...]
    agents: tuple[AgentLine, ...]
    channels: tuple[str, ...]
    hours: tuple[HourVolume, ...]
    incidents: tuple[IncidentLine, ...]
    at_risk_definition: str = AT_RISK_DEFINITION


def dashboard(app: App, principal: Principal, now: datetime | None = None) -> Dashboard:
    require_role(principal, Role.SUPERVISOR)
    now = now or utcnow()
    org = app.organisation
    with app.sessions() as session:
        units = unit_loads(session, org, now)
        agents = agent_lines(session, org, now)
        hours = contacts_per_hour(session, now)
        incidents = open_incidents(session)
    channels = _channels_by_volume(hours)
    return Dashboard(now, units, agents, channels, hours, incidents)


def unit_loads(session: Session, org: Organisation, now: datetime) -> tuple[UnitLoad, ...]:
    """Per unit of the organisation (in its order), its active tasks counted by the database."""
    counts = _status_counts(session)
    oldest = _created_at(session, [first for _, _, first in counts.values()])
    late = _late_counts(session, now)
    flags = _flag_counts(session, now)
    loads = []
    for unit in org.units:
        opened, _, first_open = counts.get((unit.code, TaskStatus.OPEN), (0, 0, None))
        _, claimed, first_claimed = counts.get((unit.code, TaskStatus.CLAIMED), (0, 0, None))
        firsts = [oldest[i] for i in (first_open, first_claimed) if i in oldest]
        created = min(firsts, default=None)
        at_risk, warned, escalated = flags.get(unit.code, (0, 0, 0))
        loads.append(
            UnitLoad(
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                open=opened,
                claimed=claimed,
                queue=opened + claimed,
                oldest_created_at=created,
                oldest_age_minutes=(now - created) / timedelta(minutes=1) if created else None,
                at_risk=at_risk,
                late=late.get(unit.code, 0),
                warned=warned,
                escalated=escalated,
            )
        )
    return tuple(loads)


def _status_counts(session: Session) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(unit, status) -> (open count, claimed count, first task id), read from the covering
    least-slack index alone. The first task (lowest id) is the unit's oldest: ids grow with
    creation, and created_at has no index to take a minimum from without reading every row."""
    rows = session.execute(
        select(Task.unit, Task.status, func.count(), func.min(Task.id))
        .where(Task.status.in_(ACTIVE))
        .group_by(Task.unit, Task.status)
    ).all()
    result: dict[tuple[str, str], tuple[int, int, int]] = {}
    for unit, status, count, first in rows:
        opened = count if status == TaskStatus.OPEN else 0
        result[(unit, status)] = (opened, count - opened, first)
    return result


def _created_at(session: Session, task_ids: list[int]) -> dict[int, datetime]:
    if not task_ids:
        return {}
    rows = session.execute(select(Task.id, Task.created_at).where(Task.id.in_(task_ids))).all()
    return {task_id: created for task_id, created in rows}


def _late_counts(session: Session, now: datetime) -> dict[str, int]:
    """Active tasks past their deadline, per unit: a range of the (unit, status, due) index."""
    rows = session.execute(
        select(Task.unit, func.count())
        .where(Task.status.in_(ACTIVE), Task.due_at <= now)
        .group_by(Task.unit)
    ).all()
    return {unit: count for unit, count in rows}


def _flag_counts(session: Session, now: datetime) -> dict[str, tuple[int, int, int]]:
    """Per unit, active tasks at risk, warned and escalated: one pass over the tasks that
    keeps only the few flagged ones."""
    at_risk = and_(Task.due_at > now, _slack_below_handling(session, now))
    unit = _unit_for_scan(session)
    rows = session.execute(
        select(
            unit,
            func.sum(case((at_risk, 1), else_=0)),
            func.count(Task.warned_at),
            func.count(Task.escalated_at),
        )
        .where(
            Task.status.in_(ACTIVE),
            or_(at_risk, Task.warned_at.is_not(None), Task.escalated_at.is_not(None)),
        )
        .group_by(unit)
    ).all()
    return {code: (int(risky or 0), warned, escalated) for code, risky, warned, escalated in rows}


def _unit_for_scan(session: Session) -> ColumnElement[str]:
    """The unit column to group a filtering pass by. On SQLite, grouping by the bare column
    makes the planner walk the (unit, ...) index to avoid a sort, reading the table row of
    every active task through it (8x slower with 100,000 tasks); the unary plus keeps the
    value but hides the index, so the table is scanned and only the flagged rows sorted."""
    if session.get_bind().dialect.name == "sqlite":
        return literal_column("+tasks.unit", String).label("unit")
    return Task.unit


def _slack_below_handling(session: Session, now: datetime) -> ColumnElement[bool]:
    """slack < expected handling, i.e. deadline - now - handling < handling: the deadline falls
    within twice the handling time from now. Written with the databases' own date arithmetic
    (Julian days on SQLite, an interval on PostgreSQL) rather than the task lists' slack-key
    function, which PostgreSQL calls row by row instead of inlining (4x slower here)."""
    if session.get_bind().dialect.name == "postgresql":
        twice_handling = Task.expected_minutes * literal_column("interval '2 minutes'", Interval)
        return Task.due_at < literal(now, Task.due_at.type) + twice_handling
    now_days = now.timestamp() / 86400.0 + _UNIX_EPOCH_JULIAN_DAY
    due_days = literal_column("julianday(tasks.due_at)", Float)
    return due_days < now_days + Task.expected_minutes / 720.0


def agent_lines(session: Session, org: Organisation, now: datetime) -> tuple[AgentLine, ...]:
    """Every agent: absent today (with the substitute), busy holding claims, or free."""
    holding = dict(
        session.execute(
            select(Task.claimed_by, func.count())
            .where(Task.status == TaskStatus.CLAIMED, Task.lease_expires_at >= now)
            .group_by(Task.claimed_by)
        ).all()
    )
    today = now.astimezone(ZoneInfo(org.timezone)).date()
    lines = []
    for agent in org.agents:
        absence = org.absence_of(agent.id, today)
        held = int(holding.get(agent.id, 0))
        if absence is not None:
            state = AgentState.ABSENT
        else:
            state = AgentState.BUSY if held else AgentState.FREE
        lines.append(
            AgentLine(
                id=agent.id,
                name=agent.name,
                units=agent.units,
                state=state,
                holding=held,
                capacity=agent.capacity,
                substitute=absence.substitute if absence else None,
                absent_until=absence.ends if absence else None,
                absence_reason=absence.reason if absence else "",
            )
        )
    return tuple(lines)


def contacts_per_hour(session: Session, now: datetime) -> tuple[HourVolume, ...]:
    """Contacts received in each of the last 24 hours (this one included), by channel."""
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    first = current - timedelta(hours=HOURS_SHOWN - 1)
    hour = _hour_of(session, Contact.received_at)
    counted = session.execute(
        select(hour, Contact.channel, func.count())
        .where(Contact.received_at >= first)
        .group_by(hour, Contact.channel)
    ).all()
    buckets: dict[datetime, dict[str, int]] = {
        first + timedelta(hours=i): {} for i in range(HOURS_SHOWN)
    }
    for label, channel, count in counted:
        starts = datetime.strptime(label, "%Y-%m-%d %H").replace(tzinfo=UTC)
        if starts in buckets:
            buckets[starts][channel] = int(count)
    return tuple(HourVolume(starts, counts) for starts, counts in buckets.items())


def _hour_of(session: Session, column: ColumnElement[datetime]) -> ColumnElement[str]:
    """The UTC hour of a timestamp as "YYYY-MM-DD HH", grouped on by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    # SQLite stores UTC without an offset (see UTCDateTime).
    return func.strftime("%Y-%m-%d %H", column)


def _channels_by_volume(hours: tuple[HourVolume, ...]) -> tuple[str, ...]:
    totals: dict[str, int] = {}
    for volume in hours:
        for channel, count in volume.by_channel.items():
            totals[channel] = totals.get(channel, 0) + count
    return tuple(sorted(totals, key=lambda channel: (-totals[channel], channel)))


def open_incidents(session: Session) -> tuple[IncidentLine, ...]:
    """Open incidents, newest first, with the contacts and still-open cases linked to each."""
    incidents = session.scalars(
        select(Incident).where(Incident.status == INCIDENT_OPEN).order_by(Incident.opened_at.desc())
    ).all()
    if not incidents:
        return ()
    ids = [incident.id for incident in incidents]
    contacts = dict(
        session.execute(
            select(Case.incident_id, func.count(Contact.id))
            .join(Contact, Contact.case_id == Case.id)
            .where(Case.incident_id.in_(ids))
            .group_by(Case.incident_id)
        ).all()
    )
    open_cases = dict(
        session.execute(
            select(Case.incident_id, func.count())
            .where(Case.incident_id.in_(ids), Case.status != CaseStatus.CLOSED)
            .group_by(Case.incident_id)
        ).all()
    )
    return tuple(
        IncidentLine(
            id=incident.id,
            title=incident.title,
            topic=incident.topic,
            product=incident.product,
            region=incident.region,
            opened_at=incident.opened_at,
            contacts=int(contacts.get(incident.id, incident.contacts)),
            open_cases=int(open_cases.get(incident.id, 0)),
        )
        for incident in incidents
    )
