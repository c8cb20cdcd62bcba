"""Contacts listed for other systems (newest first, a page at a time) and a case found by its
reference, limited to what the caller may see: supervisors and admins everything, unit members
the contacts whose case lies with (or has work in) their units, the mailroom also every scan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select

from intake.app import App
from intake.services.access import require_unit
from intake.services.contacts import CaseView, case_view, may_see_case
from intake.services.errors import Forbidden, NotFound
from intake.services.principal import Principal
from workflow.accounts import Role
from workflow.models import Case, Contact, Task

MAX_PAGE = 200


@dataclass(frozen=True)
class ContactLine:
    id: int
    channel: str
    received_at: datetime
    subject: str
    sender: str
    topic: str | None
    sentiment: str | None
    stage: str
    status: str
    case_reference: str | None
    unit: str | None


@dataclass(frozen=True)
class ContactPage:
    contacts: tuple[ContactLine, ...]
    # Pass as `before` for the next (older) page; None on the last page.
    next_before: int | None


@dataclass(frozen=True)
class ContactQuery:
    since: datetime | None = None
    topic: str | None = None
    unit: str | None = None
    before: int | None = None
    limit: int = 50


def _visible(principal: Principal) -> ColumnElement[bool]:
    units = principal.units
    in_units: ColumnElement[bool] = false()
    if units:
        has_work = exists().where(Task.case_id == Contact.case_id, Task.unit.in_(units))
        in_units = or_(Case.unit.in_(units), has_work)
    if principal.role is Role.MAILROOM:
        return or_(in_units, Contact.channel == "scan")
    return in_units


def _statement(app: App, principal: Principal, query: ContactQuery) -> Select[tuple[Contact, Case]]:
    statement = select(Contact, Case).outerjoin(Case, Case.id == Contact.case_id)
    conditions: list[ColumnElement[bool]] = []
    if query.unit is not None:
        if query.unit not in {u.code for u in app.organisation.units}:
            raise NotFound(f"no unit '{query.unit}'")
        require_unit(principal, query.unit)
        conditions.append(Case.unit == query.unit)
    if not principal.sees_all_units:
        conditions.append(_visible(principal))
    if query.since is not None:
        conditions.append(Contact.received_at >= query.since)
    if query.topic is not None:
        conditions.append(Contact.topic == query.topic)
    if query.before is not None:
        conditions.append(Contact.id < query.before)
    if conditions:
        statement = statement.where(and_(*conditions))
    return statement.order_by(Contact.id.desc())


def list_contacts(app: App, principal: Principal, query: ContactQuery) -> ContactPage:
    limit = min(max(query.limit, 1), MAX_PAGE)
    statement = _statement(app, principal, query).limit(limit + 1)
    with app.sessions() as session:
        rows = session.execute(statement).all()
        lines = tuple(_line(contact, case) for contact, case in rows[:limit])
    more = len(rows) > limit
    return ContactPage(lines, lines[-1].id if more and lines else None)


def _line(contact: Contact, case: Case | None) -> ContactLine:
    return ContactLine(
        id=contact.id,
        channel=contact.channel,
        received_at=contact.received_at,
        subject=contact.subject,
        sender=contact.sender_address or contact.sender_name,
        topic=contact.topic,
        sentiment=contact.sentiment,
        stage=contact.stage,
        status=contact.status,
        case_reference=(case.reference or f"#{case.id}") if case else None,
        unit=case.unit if case else None,
    )


def case_by_reference(app: App, principal: Principal, reference: str) -> CaseView:
    with app.sessions() as session:
        case_id = session.scalars(select(Case.id).where(Case.reference == reference)).first()
        if case_id is None:
            raise NotFound(f"no case {reference}")
        if not may_see_case(session, principal, case_id):
            raise Forbidden(f"case {reference} belongs to a unit {principal.username} cannot see")
        return case_view(session, case_id)
