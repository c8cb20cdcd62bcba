"""Incidents: many contacts on one topic, for one product or one region, within a short time.

One cause (a faulty batch of fridges, a courier's depot down) should be handled once and first:
when `min_contacts` cases on the same topic and product (or, without a product, region) open
within `window_minutes`, an incident opens, the cases are linked to it, their priority rises,
and the supervisors' unit gets a task of kind "incident" (with an audit event). Later cases of
the same kind join the open incident while contacts keep arriving within the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.business_time import business_calendar
from workflow.models import Case, Incident, Task, TaskStatus, utcnow
from workflow.org_models import IncidentPolicy, Organisation

INCIDENT_TASK = "incident"
OPEN = "open"
CLOSED = "closed"
# Supervisors should look at a new incident within this much of their business time.
NOTICE_HOURS = 1.0
# Where a transaction's session keeps the incidents it linked cases to (see `_remember`).
_KNOWN_KEY = "workflow.incidents.known"


@dataclass(frozen=True)
class IncidentOutcome:
    """What incident detection did for one case: nothing, joined or opened an incident."""

    incident_id: int | None = None
    opened: bool = False
    linked_cases: int = 0


def watch_for_incident(
    session: Session, org: Organisation, case: Case, actor: str = "router"
) -> IncidentOutcome:
    """Link `case` to an incident of its kind, opening one when enough cases came at once."""
    policy = org.incidents
    if policy is None or case.topic is None or (case.product is None and case.region is None):
        return IncidentOutcome()
    if case.incident_id is not None:
        return IncidentOutcome(case.incident_id)
    since = case.opened_at - timedelta(minutes=policy.window_minutes)
    incident = _known_active_incident(session, case, since) or _active_incident(
        session, case, since
    )
    if incident is not None:
        _link(session, incident, [case], policy)
        incident.contacts += 1
        _remember(session, case, incident, case.opened_at)
        return IncidentOutcome(incident.id, linked_cases=1)
    cases = list(
        session.scalars(
            select(Case).where(
                _same_kind(case),
                Case.incident_id.is_(None),
                Case.opened_at >= since,
                Case.opened_at <= case.opened_at,
            )
        )
    )
    if case not in cases:
        cases.append(case)
    if len(cases) < policy.min_contacts:
        return IncidentOutcome()
    incident = _open_incident(session, org, case, cases, policy, actor)
    _remember(session, case, incident, max(c.opened_at for c in cases))
    return IncidentOutcome(incident.id, opened=True, linked_cases=len(cases))


def _same_kind(case: Case) -> ColumnElement[bool]:
    """Same topic and product; without a product, same topic and region."""
    if case.product is not None:
        return (Case.topic == case.topic) & (Case.product == case.product)
    return (Case.topic == case.topic) & (Case.product.is_(None)) & (Case.region == case.region)


def describe(topic: str, product: str | None, region: str | None) -> str:
    return f"topic {topic!r} and " + (
        f"product {product!r}" if product is not None else f"region {region!r}"
    )


def _kind_key(case: Case) -> tuple[str | None, str | None, str | None]:
    return (case.topic, case.product, None if case.product is not None else case.region)


def _known_active_incident(session: Session, case: Case, since: datetime) -> Incident | None:
    """The incident this transaction last linked a case of this kind to, while its latest case
    is still within the window: saves two queries per contact during a surge. Only a hit is
    trusted; anything else is asked of the database (`_active_incident`)."""
    known = session.info.get(_KNOWN_KEY, {}).get(_kind_key(case))
    if known is None:
        return None
    incident, latest = known
    if incident.status != OPEN or latest < since:
        return None
    return incident


def _remember(session: Session, case: Case, incident: Incident, latest: datetime) -> None:
    # Kept in the session, so it ends with the transaction (and with its rollback).
    known = session.info.setdefault(_KNOWN_KEY, {})
    previous = known.get(_kind_key(case))
    if previous is not None and previous[0] is incident:
        latest = max(latest, previous[1])
    known[_kind_key(case)] = (incident, latest)


def _active_incident(session: Session, case: Case, since: datetime) -> Incident | None:
    """The open incident of the case's kind whose latest case is within the window; an open
    incident that went quiet is closed on the way."""
    product_matches = (
        Incident.product == case.product
        if case.product is not None
        else (Incident.product.is_(None) & (Incident.region == case.region))
    )
    incident = session.scalar(
        select(Incident)
        .where(Incident.status == OPEN, Incident.topic == case.topic, product_matches)
        .order_by(Incident.id.desc())
        .limit(1)
    )
    if incident is None:
        return None
    latest = session.scalar(select(func.max(Case.opened_at)).where(Case.incident_id == incident.id))
    if latest is not None and latest >= since:
        return incident
    incident.status, incident.closed_at = CLOSED, utcnow()
    record(session, "router", "incident", incident.id, "closed", reason="no new contacts")
    return None


def _open_incident(
    session: Session,
    org: Organisation,
    case: Case,
    cases: list[Case],
    policy: IncidentPolicy,
    actor: str,
) -> Incident:
    assert case.topic is not None
    what = describe(case.topic, case.product, case.region)
    incident = Incident(
        topic=case.topic,
        product=case.product,
        region=case.region,
        status=OPEN,
        contacts=len(cases),
        opened_at=case.opened_at,
        title=f"{len(cases)} contacts on {what} within {policy.window_minutes:g} minutes"[:300],
    )
    session.add(incident)
    session.flush()
    _link(session, incident, cases, policy)
    record(
        session,
        actor,
        "incident",
        incident.id,
        "opened",
        title=incident.title,
        cases=[c.reference for c in cases],
        notify=policy.notify_unit,
    )
    _notify_supervisors(session, org, incident, case, policy)
    return incident


def _link(session: Session, incident: Incident, cases: list[Case], policy: IncidentPolicy) -> None:
    """Link the cases and raise their priority, and that of their unfinished tasks."""
    note = f"incident #{incident.id} ({incident.title}) -> priority {policy.priority}"
    for case in cases:
        case.incident_id = incident.id
        case.priority = min(case.priority, policy.priority)
        case.routing_trail = [*case.routing_trail, note]
    for task in _unfinished_tasks(session, [c.id for c in cases]):
        if task.priority > policy.priority:
            task.priority = policy.priority


def _unfinished_tasks(session: Session, case_ids: list[int]) -> list[Task]:
    """The open and claimed tasks of the cases, as this transaction sees them, mostly without a
    flush (an autoflush here would write the links just made: a flush of its own per contact).
    The rows are read as stored and judged by their values in memory, which the identity map
    keeps; only a task of theirs not inserted yet needs the flush."""
    wanted = set(case_ids)
    if any(isinstance(t, Task) and t.case_id in wanted for t in session.new):
        session.flush()
    with session.no_autoflush:
        tasks = session.scalars(select(Task).where(Task.case_id.in_(case_ids))).all()
    return [t for t in tasks if t.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)]


def _notify_supervisors(
    session: Session, org: Organisation, incident: Incident, case: Case, policy: IncidentPolicy
) -> Task:
    calendar = business_calendar(org.calendar(org.unit(policy.notify_unit).calendar))
    task = Task(
        case_id=case.id,
        contact_id=None,
        unit=policy.notify_unit,
        kind=INCIDENT_TASK,
        priority=policy.priority,
        due_at=calendar.add_business_hours(case.opened_at, NOTICE_HOURS),
        title=f"Incident #{incident.id}: {incident.title}"[:1000],
        payload={"incident_id": incident.id},
        created_at=utcnow(),
    )
    session.add(task)
    session.flush()
    record(session, "router", "task", task.id, "created", kind=INCIDENT_TASK, unit=task.unit)
    return task
