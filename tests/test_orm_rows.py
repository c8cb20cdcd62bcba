"""ORM objects planned without attribute events (`workflow.orm_rows`) behave as ordinary ones:
the ORM's flush stores their values, a wrong column name fails as in the constructor; and a
route batch that opens an incident writes it without flushing the session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from intake.app import App, open_app
from tests.conftest import base_settings
from workflow.batch_writer import Work, write_batch
from workflow.cases import open_case, plan_case, plan_task
from workflow.db import unit_of_work
from workflow.models import AuditEvent, Case, Incident, Task, TaskKind
from workflow.orm_rows import planned, write_row
from workflow.routing import RoutingDecision

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def routed_app(database_url: str, tmp_path: Path) -> Iterator[App]:
    app = open_app(base_settings(tmp_path, database_url=database_url))
    app.sync_organisation()
    yield app
    app.close()


def decision(minute: int, region: str | None = "warsaw") -> RoutingDecision:
    return RoutingDecision(
        unit="deliveries",
        topic="delivery",
        priority=3,
        deadline_at=MONDAY + timedelta(hours=8, minutes=minute),
        trail=(f"planned at minute {minute}",),
        tags=("b", "a", "b"),
        region=region,
    )


def test_a_planned_case_flushed_by_the_orm_stores_what_was_planned(routed_app: App) -> None:
    with unit_of_work(routed_app.sessions) as session:
        case = open_case(session, decision(5), customer_id=None, subject="Parcel", opened_at=MONDAY)
        case_id = case.id
    with routed_app.sessions() as session:
        stored = session.get(Case, case_id)
        assert stored is not None
        assert (stored.unit, stored.topic, stored.status, stored.priority) == (
            "deliveries",
            "delivery",
            "open",
            3,
        )
        assert (stored.opened_at, stored.deadline_at) == (
            MONDAY,
            MONDAY + timedelta(hours=8, minutes=5),
        )
        assert stored.routing_trail == ["planned at minute 5"]
        assert (stored.region, stored.tags, stored.reference) == (
            "warsaw",
            ["a", "b"],
            f"C-{case_id:06d}",
        )


def test_planning_a_column_the_model_lacks_fails_as_the_constructor_does() -> None:
    with pytest.raises(TypeError, match="'colour'"):
        planned(Case, unit="billing", colour="red")
    with pytest.raises(TypeError):
        Case(unit="billing", colour="red")  # type: ignore[call-arg]


def test_written_rows_get_their_ids_and_defaults_and_stay_in_the_session(routed_app: App) -> None:
    with unit_of_work(routed_app.sessions) as session:
        incidents = [
            planned(Incident, topic="delivery", region="warsaw", opened_at=MONDAY),
            planned(Incident, topic="claim", product="fridge", opened_at=MONDAY),
        ]
        for incident in incidents:
            write_row(session, incident)
        first, second = incidents
        assert first.id is not None and second.id == first.id + 1
        # Defaults the rows lacked are on the objects, as if loaded.
        assert (first.status, first.contacts, first.title, first.closed_at) == ("open", 0, "", None)
        assert session.get(Incident, first.id) is first
        first.contacts = 7  # a later change is written as for any persistent object
    with routed_app.sessions() as session:
        rows = session.scalars(select(Incident).order_by(Incident.id)).all()
        assert [(i.topic, i.status, i.contacts) for i in rows] == [
            ("delivery", "open", 7),
            ("claim", "open", 0),
        ]


def work(minute: int) -> Work:
    case = plan_case(
        decision(minute),
        customer_id=None,
        subject=f"Parcel {minute}",
        opened_at=MONDAY + timedelta(minutes=minute),
    )
    task = plan_task(
        None,
        kind=TaskKind.ANSWER,
        unit="deliveries",
        contact_id=None,
        priority=3,
        due_at=case.deadline_at,
        title=f"Parcel {minute}",
    )
    return Work(case, task, new_case=True)


def test_a_batch_opening_an_incident_writes_it_without_a_flush(routed_app: App) -> None:
    flushes: list[int] = []
    with unit_of_work(routed_app.sessions) as session:
        event.listen(session, "after_flush", lambda *_: flushes.append(1))
        batch = [work(minute) for minute in range(0, 30, 5)]
        write_batch(session, routed_app.organisation, batch, MONDAY)
        assert flushes == []
    with routed_app.sessions() as session:
        incident = session.scalars(select(Incident)).one()
        linked = session.scalars(select(Case).where(Case.incident_id == incident.id)).all()
        assert len(linked) == incident.contacts == 6
        notice = session.scalars(select(Task).where(Task.kind == "incident")).one()
        assert notice.payload == {"incident_id": incident.id}
        events = _events(session, "incident", str(incident.id))
        assert [e.action for e in events] == ["opened"]
        assert [e.action for e in _events(session, "task", str(notice.id))] == ["created"]


def _events(session: Session, entity_type: str, entity_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id
            )
        )
    )
