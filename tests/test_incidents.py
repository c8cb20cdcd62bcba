"""Incident detection in the route stage: enough contacts on one topic and product (or region)
within the window open an incident, link the cases, raise their priority and tell supervisors."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.app import App, open_app
from intake.stages import route
from tests.conftest import base_settings
from workflow.db import unit_of_work
from workflow.models import AuditEvent, Case, Contact, Customer, Incident, Task

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=WARSAW)
_numbers = itertools.count(1)


def contact(
    session: Session,
    at: datetime,
    topic: str = "delivery",
    postcode: str | None = "02-495",
    product: str | None = None,
) -> Contact:
    """A classified email from a (new) customer living at `postcode`."""
    number = next(_numbers)
    address = f"customer{number}@example.com"
    session.add(Customer(name=f"Customer {number}", email=address, postcode=postcode))
    item = Contact(
        channel="email",
        source=f"mail/{number}.eml",
        source_key=f"test:{number}",
        sha256=f"{number:064d}",
        received_at=at,
        stage="classified",
        subject=f"Parcel {number} has not arrived",
        sender_address=address,
        text="Where is my parcel?",
        language="en",
        topic=topic,
        topic_score=0.9,
        sentiment="negative",
        sentiment_score=0.8,
        product=product,
    )
    session.add(item)
    session.flush()
    return item


def route_contacts(app: App, times: list[datetime], **kinds: str | None) -> list[int]:
    with unit_of_work(app.sessions) as session:
        contacts = [contact(session, at, **kinds) for at in times]  # type: ignore[arg-type]
        route.run(app, session, contacts)
        return [c.case_id for c in contacts if c.case_id is not None]


def minutes(*offsets: int) -> list[datetime]:
    return [MONDAY_MORNING + timedelta(minutes=m) for m in offsets]


def test_five_deliveries_from_warsaw_within_an_hour_open_an_incident(app: App) -> None:
    app.sync_organisation()
    case_ids = route_contacts(app, minutes(0, 10, 25, 40, 55))
    with app.sessions() as session:
        incident = session.scalars(select(Incident)).one()
        assert (incident.topic, incident.region, incident.product) == ("delivery", "warsaw", None)
        assert (incident.status, incident.contacts) == ("open", 5)
        assert incident.title == (
            "5 contacts on topic 'delivery' and region 'warsaw' within 60 minutes"
        )
        cases = session.scalars(select(Case).where(Case.id.in_(case_ids))).all()
        assert {c.incident_id for c in cases} == {incident.id}
        assert {c.priority for c in cases} == {1}
        assert all(c.unit == "deliveries-warsaw" for c in cases)
        assert all(
            any(s.startswith(f"incident #{incident.id}") for s in c.routing_trail) for c in cases
        )
        answers = session.scalars(select(Task).where(Task.kind == "answer")).all()
        assert {t.priority for t in answers} == {1}
        notice = session.scalars(select(Task).where(Task.kind == "incident")).one()
        assert (notice.unit, notice.payload) == ("triage", {"incident_id": incident.id})
        # Supervisors are to look within one business hour of the fifth contact.
        assert notice.due_at == MONDAY_MORNING + timedelta(minutes=55 + 60)
        opened = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "incident")
        ).one()
        assert opened.action == "opened" and len(opened.detail["cases"]) == 5


def test_four_contacts_or_five_spread_over_more_than_the_window_open_none(app: App) -> None:
    app.sync_organisation()
    route_contacts(app, minutes(0, 10, 20, 30))
    route_contacts(app, minutes(200, 230, 270, 300), postcode="31-019")
    route_contacts(app, minutes(300, 310, 320, 330, 340), postcode="80-001")  # no region
    with app.sessions() as session:
        assert session.scalars(select(Incident)).all() == []
        assert session.scalars(select(Task).where(Task.kind == "incident")).all() == []


def test_later_contacts_join_the_open_incident_until_it_goes_quiet(app: App) -> None:
    app.sync_organisation()
    route_contacts(app, minutes(0, 5, 10, 15, 20))
    [joined] = route_contacts(app, minutes(70))
    [late] = route_contacts(app, minutes(200))
    with app.sessions() as session:
        incident = session.scalars(select(Incident)).one()
        assert session.get(Case, joined).incident_id == incident.id  # type: ignore[union-attr]
        assert session.get(Case, joined).priority == 1  # type: ignore[union-attr]
        assert incident.contacts == 6
        # Two hours without a contact: the incident closed, the late case stands alone.
        assert incident.status == "closed"
        assert session.get(Case, late).incident_id is None  # type: ignore[union-attr]
        assert len(session.scalars(select(Task).where(Task.kind == "incident")).all()) == 1


def test_contacts_group_by_product_before_region(app: App) -> None:
    app.sync_organisation()
    route_contacts(app, minutes(0, 1, 2), topic="claim", product="fridge", postcode="02-495")
    route_contacts(app, minutes(3, 4), topic="claim", product="tv", postcode="02-495")
    route_contacts(app, minutes(5, 6), topic="claim", product="fridge", postcode="80-001")
    with app.sessions() as session:
        incident = session.scalars(select(Incident)).one()
        assert (incident.topic, incident.product, incident.contacts) == ("claim", "fridge", 5)
        linked = session.scalars(select(Case).where(Case.incident_id == incident.id)).all()
        assert {c.unit for c in linked} == {"claims-large"}


def test_two_route_transactions_on_one_kind_open_one_incident_between_them(
    postgres_url: str, tmp_path: Path
) -> None:
    """Two workers route the fifth and sixth case of a kind at the same time: the second waits
    for the first to commit and joins its incident instead of opening one of its own."""
    app = open_app(base_settings(tmp_path, database_url=postgres_url))
    try:
        app.sync_organisation()
        route_contacts(app, minutes(0, 10, 20, 30))
        with app.sessions() as first, first.begin():
            route.run(app, first, [contact(first, minutes(40)[0])])
            second = threading.Thread(target=route_contacts, args=(app, minutes(45)))
            second.start()
            # Long enough for the second worker to read the kind's incidents (it opens its own
            # without the lock) or to wait for this transaction (with it).
            second.join(timeout=1.5)
        second.join(timeout=30)
        assert not second.is_alive()
        with app.sessions() as session:
            incidents = session.scalars(select(Incident)).all()
            assert [(i.status, i.contacts) for i in incidents] == [("open", 6)]
            linked = session.scalars(select(Case.incident_id)).all()
            assert linked == [incidents[0].id] * 6
    finally:
        app.close()
