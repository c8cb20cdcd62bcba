"""Incidents: many contacts on one topic, for one product or one region, within a short time.

One cause (a faulty batch of fridges, a courier's depot down) should be handled once and first:
when `min_contacts` cases on the same topic and product (or, without a product, region) open
within `window_minutes`, an incident opens, the cases are linked to it, their priority rises,
and the supervisors' unit gets a task of kind "incident" (with an audit event). Later cases of
the same kind join the open incident while contacts keep arriving within the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from workflow.audit import AuditRows, record
from workflow.business_time import business_calendar
from workflow.models import Case, Incident, Task, TaskStatus, utcnow
from workflow.org_models import IncidentPolicy, Organisation
from workflow.orm_rows import planned, write_row

INCIDENT_TASK = "incident"
OPEN = "open"
CLOSED = "closed"
# Supervisors should look at a new incident within this much of their business time.
NOTICE_HOURS = 1.0
# Where a transaction's session keeps the incidents it linked cases to (see `_remember`).
_KNOWN_KEY = "workflow.incidents.known"


@dataclass(frozen=True)
class Opening:
    """An incident opened on cases of which some are not written yet: its audit event (naming
    their references) and the supervisors' task (on `case`) wait for them (`announce`)."""

    incident: Incident
    case: Case
    cases: tuple[Case, ...]


@dataclass(frozen=True)
class IncidentOutcome:
    """What incident detection did for one case: nothing, joined or opened an incident."""

    incident_id: int | None = None
    opened: bool = False
    linked_cases: int = 0
    # Set when the opening waits for the batch's cases to be written.
    opening: Opening | None = None


@dataclass(frozen=True)
class UnwrittenTasks:
    """A batch writer's tasks that are not in the database yet, by case (the Python object: a
    new case has no id yet), and the cases it opens (none of their tasks is written)."""

    by_case: dict[int, list[Task]] = field(default_factory=dict)
    new_cases: frozenset[int] = frozenset()

    @classmethod
    def of(cls, work: Sequence[tuple[Case, Task]], new_cases: Sequence[Case]) -> UnwrittenTasks:
        by_case: dict[int, list[Task]] = {}
        for case, task in work:
            by_case.setdefault(id(case), []).append(task)
        return cls(by_case, frozenset(id(c) for c in new_cases))


def watch_for_incident(
    session: Session,
    org: Organisation,
    case: Case,
    actor: str = "router",
    unwritten: UnwrittenTasks | None = None,
) -> IncidentOutcome:
    """Link `case` (written) to an incident of its kind, opening one when enough cases came at
    once."""
    return watch_for_incidents(session, org, [case], actor, unwritten)[0]


def watch_for_incidents(
    session: Session,
    org: Organisation,
    cases: Sequence[Case],
    actor: str = "router",
    unwritten: UnwrittenTasks | None = None,
) -> list[IncidentOutcome]:
    """`watch_for_incident` for the new cases of a batch, in routing order, with the outcome of
    routing them one at a time (cases later in the batch do not count for a case). The cases
    may be not yet written (no id): links are then made in memory, written with the insert,
    and an incident's opening is left to `announce` (`IncidentOutcome.opening`). What the
    database knows of the batch's kinds is read once (`_KindsView`), not once per case.
    `unwritten`: tasks a batch writer has yet to insert."""
    policy = org.incidents
    if policy is None:
        return [IncidentOutcome() for _ in cases]
    watched = [c for c in cases if _watchable(c)]
    _lock_kinds(session, watched)
    missed = [c for c in watched if _known_active_incident(session, c, _since(c, policy)) is None]
    view = _KindsView.read(session, missed, policy, watched)
    return [
        _watch(session, org, policy, case, view, actor, unwritten)
        if _watchable(case)
        else IncidentOutcome()
        for case in cases
    ]


def _watchable(case: Case) -> bool:
    return case.topic is not None and (case.product is not None or case.region is not None)


def _since(case: Case, policy: IncidentPolicy) -> datetime:
    return case.opened_at - timedelta(minutes=policy.window_minutes)


def _watch(
    session: Session,
    org: Organisation,
    policy: IncidentPolicy,
    case: Case,
    view: _KindsView,
    actor: str,
    unwritten: UnwrittenTasks | None,
) -> IncidentOutcome:
    if case.incident_id is not None:
        return IncidentOutcome(case.incident_id)
    since = _since(case, policy)
    incident = _known_active_incident(session, case, since) or view.active(session, case, since)
    if incident is not None:
        _link(session, incident, [case], policy, unwritten)
        incident.contacts += 1
        _remember(session, case, incident, case.opened_at)
        view.linked(case, incident, case.opened_at)
        return IncidentOutcome(incident.id, linked_cases=1)
    cases = view.unlinked(session, case, since)
    if len(cases) < policy.min_contacts:
        return IncidentOutcome()
    incident = _open_incident(session, case, cases, policy, unwritten)
    latest = max(c.opened_at for c in cases)
    _remember(session, case, incident, latest)
    view.opened(case, incident, latest)
    opening = Opening(incident, case, tuple(cases))
    if all(c.id is not None for c in cases):
        announce(session, org, opening, actor)
        return IncidentOutcome(incident.id, opened=True, linked_cases=len(cases))
    return IncidentOutcome(incident.id, opened=True, linked_cases=len(cases), opening=opening)


Kind = tuple[str | None, str | None, str | None]


def _lock_kinds(session: Session, cases: Sequence[Case]) -> None:
    """Hold the kinds of `cases` until the transaction ends (PostgreSQL). Without it, two
    workers routing cases of one kind at once each miss the other's uncommitted incident and
    open one of their own; with it, the second waits for the first to commit and then reads
    its incident. The kinds are locked in one order (sorted), so two batches wanting the same
    kinds cannot deadlock; a transaction locking more kinds later (a route batch split at a
    reply) can, which PostgreSQL detects and the pipeline answers by routing the batch's
    contacts one at a time. SQLite needs no lock: its writers take turns."""
    if not cases or session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({repr(_kind_key(case)) for case in cases})
    session.connection().execute(_LOCK_KINDS, {"kinds": keys})


# Advisory locks keyed by a 64-bit hash of the kind; a collision only makes two kinds wait
# for each other. Taken in the order of the sorted subquery.
_LOCK_KINDS = text(
    "SELECT count(pg_advisory_xact_lock(hashtextextended('incident ' || s.kind, 0)))"
    " FROM (SELECT kind FROM unnest(CAST(:kinds AS TEXT[])) AS kind ORDER BY kind) AS s"
)


@dataclass
class _KindsView:
    """What the database holds for some kinds of case, read with three queries, then kept up to
    date with what the batch does: per kind its open incidents (newest last) with the time of
    their latest case, and its cases not linked to an incident within the batch's window."""

    incidents: dict[Kind, list[tuple[Incident, datetime | None]]] = field(default_factory=dict)
    # Per kind, cases in the order they were written or routed (the batch's after the others).
    unlinked_cases: dict[Kind, list[Case | StoredCase]] = field(default_factory=dict)

    @classmethod
    def read(
        cls,
        session: Session,
        cases: Sequence[Case],
        policy: IncidentPolicy,
        batch: Sequence[Case],
    ) -> _KindsView:
        """The view of the kinds of `cases`; `batch`: all the cases being watched, in order."""
        if not cases:
            return cls()
        kinds = {_kind_key(c) for c in cases}
        topics = sorted({c.topic for c in cases if c.topic is not None})
        # Read without a flush: what this transaction changed in memory (an incident closed,
        # a case linked) is judged below by the values the identity map keeps.
        with session.no_autoflush:
            open_incidents = [
                i
                for i in session.scalars(
                    select(Incident)
                    .where(Incident.status == OPEN, Incident.topic.in_(topics))
                    .order_by(Incident.id)
                )
                if i.status == OPEN and _incident_kind(i) in kinds
            ]
        latest: dict[int | None, datetime] = {}
        if open_incidents:
            latest = {
                incident_id: opened_at
                for incident_id, opened_at in session.execute(
                    select(Case.incident_id, func.max(Case.opened_at))
                    .where(Case.incident_id.in_([i.id for i in open_incidents]))
                    .group_by(Case.incident_id)
                )
            }
        view = cls()
        for incident in open_incidents:
            entry = (incident, latest.get(incident.id))
            view.incidents.setdefault(_incident_kind(incident), []).append(entry)
        in_batch = {id(c) for c in batch}
        pool = _stored_unlinked(session, topics, cases, policy)
        for found in [*(c for c in pool if id(c) not in in_batch), *batch]:
            if _kind_key(found) in kinds:
                view.unlinked_cases.setdefault(_kind_key(found), []).append(found)
        return view

    def active(self, session: Session, case: Case, since: datetime) -> Incident | None:
        """The newest open incident of the case's kind whose latest case is within the window;
        an open incident that went quiet is closed on the way (as `_active_incident`)."""
        stack = self.incidents.get(_kind_key(case))
        if not stack:
            return None
        incident, latest = stack[-1]
        if latest is not None and latest >= since:
            return incident
        stack.pop()
        incident.status, incident.closed_at = CLOSED, utcnow()
        record(session, "router", "incident", incident.id, "closed", reason="no new contacts")
        return None

    def unlinked(self, session: Session, case: Case, since: datetime) -> list[Case]:
        """Cases of the kind of `case` in its window not linked to an incident, `case` included,
        none routed after it. Rows read as `StoredCase` are loaded as cases only when enough
        of them are found to open an incident (the caller links them)."""
        found: list[Case | StoredCase] = []
        for other in self.unlinked_cases.get(_kind_key(case), []):
            if other.incident_id is None and since <= other.opened_at <= case.opened_at:
                found.append(other)
            if other is case:
                break
        else:
            found.append(case)
        return self._as_cases(session, _kind_key(case), found)

    def _as_cases(self, session: Session, kind: Kind, found: list[Case | StoredCase]) -> list[Case]:
        """`found` as cases, loading those read as rows (and putting them in the view instead
        of their rows, so later cases see their links)."""
        stored = {c.id: c for c in found if isinstance(c, StoredCase)}
        if not stored:
            return [c for c in found if isinstance(c, Case)]
        with session.no_autoflush:
            loaded = {
                c.id: c for c in session.scalars(select(Case).where(Case.id.in_(list(stored))))
            }
        entries = self.unlinked_cases.get(kind, [])
        for number, entry in enumerate(entries):
            if isinstance(entry, StoredCase) and entry.id in loaded:
                entries[number] = loaded[entry.id]
        return [loaded[c.id] if isinstance(c, StoredCase) else c for c in found]

    def linked(self, case: Case, incident: Incident, opened_at: datetime) -> None:
        stack = self.incidents.get(_kind_key(case), [])
        for number, (known, latest) in enumerate(stack):
            if known is incident:
                stack[number] = (known, opened_at if latest is None else max(latest, opened_at))

    def opened(self, case: Case, incident: Incident, latest: datetime) -> None:
        self.incidents.setdefault(_kind_key(case), []).append((incident, latest))


@dataclass(frozen=True)
class StoredCase:
    """A written case not linked to an incident, as read for the incident window: the columns
    the check needs, without the cost of an ORM object (most are never linked)."""

    id: int
    topic: str | None
    product: str | None
    region: str | None
    opened_at: datetime
    incident_id: None = None


def _stored_unlinked(
    session: Session, topics: list[str], cases: Sequence[Case], policy: IncidentPolicy
) -> list[Case | StoredCase]:
    """The written cases of `topics` not linked to an incident, in the window of any of
    `cases`, oldest first. A case this transaction holds in memory is taken as it is there
    (it may have been linked since it was written); the others are plain rows."""
    since = min(_since(c, policy) for c in cases)
    until = max(c.opened_at for c in cases)
    with session.no_autoflush:
        rows = session.execute(
            select(Case.id, Case.topic, Case.product, Case.region, Case.opened_at)
            .where(
                Case.topic.in_(topics),
                Case.incident_id.is_(None),
                Case.opened_at >= since,
                Case.opened_at <= until,
            )
            .order_by(Case.opened_at, Case.id)
        ).all()
    in_memory = session.identity_map
    found: list[Case | StoredCase] = []
    for case_id, topic, product, region, opened_at in rows:
        held = in_memory.get(identity_key(Case, case_id))
        if isinstance(held, Case):
            found.append(held)
        else:
            found.append(StoredCase(case_id, topic, product, region, opened_at))
    return found


def _incident_kind(incident: Incident) -> Kind:
    product = incident.product
    return (incident.topic, product, None if product is not None else incident.region)


def describe(topic: str, product: str | None, region: str | None) -> str:
    return f"topic {topic!r} and " + (
        f"product {product!r}" if product is not None else f"region {region!r}"
    )


def _kind_key(case: Case | StoredCase) -> Kind:
    return (case.topic, case.product, None if case.product is not None else case.region)


def _known_active_incident(session: Session, case: Case, since: datetime) -> Incident | None:
    """The incident this transaction last linked a case of this kind to, while its latest case
    is still within the window: saves two queries per contact during a surge. Only a hit is
    trusted; anything else is asked of the database (`_KindsView`)."""
    known = session.info.get(_KNOWN_KEY, {}).get(_kind_key(case))
    if known is None:
        return None
    incident, latest = known
    if incident.status != OPEN or latest < since:
        return None
    return incident


def _remember(session: Session, case: Case, incident: Incident, latest: datetime) -> None:
    # Kept in the session's info, which lives as long as the session, not its transaction: a
    # rollback does not clear it. Sessions here end with their one transaction
    # (`workflow.db.unit_of_work`); a session reused after a rollback would need it cleared.
    known = session.info.setdefault(_KNOWN_KEY, {})
    previous = known.get(_kind_key(case))
    if previous is not None and previous[0] is incident:
        latest = max(latest, previous[1])
    known[_kind_key(case)] = (incident, latest)


def _open_incident(
    session: Session,
    case: Case,
    cases: list[Case],
    policy: IncidentPolicy,
    unwritten: UnwrittenTasks | None,
) -> Incident:
    assert case.topic is not None
    what = describe(case.topic, case.product, case.region)
    incident = planned(
        Incident,
        topic=case.topic,
        product=case.product,
        region=case.region,
        status=OPEN,
        contacts=len(cases),
        opened_at=case.opened_at,
        title=f"{len(cases)} contacts on {what} within {policy.window_minutes:g} minutes"[:300],
    )
    # Inserted on its own for its id (the links and trail notes name it), not with a flush:
    # that would also write everything else this transaction changed so far.
    write_row(session, incident)
    _link(session, incident, cases, policy, unwritten)
    return incident


def announce(
    session: Session,
    org: Organisation,
    opening: Opening,
    actor: str = "router",
    audit: AuditRows | None = None,
) -> Task:
    """The audit event of an opened incident and the supervisors' task, once its cases are
    written. The audit events go to `audit` when given (a batch writer's), else to the
    session."""
    policy = org.incidents
    assert policy is not None
    incident = opening.incident
    events = audit if audit is not None else _SessionAudit(session)
    events.add(
        actor,
        "incident",
        incident.id,
        "opened",
        title=incident.title,
        cases=[c.reference for c in opening.cases],
        notify=policy.notify_unit,
    )
    return _notify_supervisors(session, org, incident, opening.case, policy, events)


@dataclass(frozen=True)
class _SessionAudit:
    """`AuditRows.add` recording straight into the session (`audit.record`)."""

    session: Session

    def add(
        self, actor: str, entity_type: str, entity_id: object, action: str, **detail: Any
    ) -> None:
        record(self.session, actor, entity_type, entity_id, action, **detail)


def _link(
    session: Session,
    incident: Incident,
    cases: list[Case],
    policy: IncidentPolicy,
    unwritten: UnwrittenTasks | None,
) -> None:
    """Link the cases and raise their priority, and that of their unfinished tasks."""
    note = f"incident #{incident.id} ({incident.title}) -> priority {policy.priority}"
    for case in cases:
        case.incident_id = incident.id
        case.priority = min(case.priority, policy.priority)
        case.routing_trail = [*case.routing_trail, note]
    for task in _unfinished_tasks(session, cases, unwritten or UnwrittenTasks()):
        if task.priority > policy.priority:
            task.priority = policy.priority


def _unfinished_tasks(session: Session, cases: list[Case], unwritten: UnwrittenTasks) -> list[Task]:
    """The open and claimed tasks of the cases, as this transaction sees them, mostly without a
    flush (an autoflush here would write the links just made: a flush of its own per contact).
    The rows are read as stored and judged by their values in memory, which the identity map
    keeps; only a task of theirs not inserted yet needs the flush. A batch writer's unwritten
    tasks are taken as they are, and the cases it opened have no others to ask for."""
    tasks = [t for case in cases for t in unwritten.by_case.get(id(case), [])]
    stored = [case.id for case in cases if id(case) not in unwritten.new_cases]
    if stored:
        wanted = set(stored)
        if any(isinstance(t, Task) and t.case_id in wanted for t in session.new):
            session.flush()
        with session.no_autoflush:
            tasks += session.scalars(select(Task).where(Task.case_id.in_(stored))).all()
    return [t for t in tasks if t.status in (TaskStatus.OPEN, TaskStatus.CLAIMED)]


def _notify_supervisors(
    session: Session,
    org: Organisation,
    incident: Incident,
    case: Case,
    policy: IncidentPolicy,
    audit: AuditRows | _SessionAudit,
) -> Task:
    calendar = business_calendar(org.calendar(org.unit(policy.notify_unit).calendar))
    task = planned(
        Task,
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
    write_row(session, task)
    audit.add("router", "task", task.id, "created", kind=INCIDENT_TASK, unit=task.unit)
    return task
