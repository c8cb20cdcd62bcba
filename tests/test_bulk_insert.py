"""Rows written by `workflow.bulk_insert` (executemany on SQLite, one JSON document on PostgreSQL)
read back exactly like rows the ORM writes, and each row gets the id reported for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from intake.app import App, open_app
from tests.conftest import base_settings
from workflow.bulk_insert import insert_with_ids, insert_without_ids
from workflow.db import unit_of_work
from workflow.models import AuditEvent, Case, Task, TaskStatus

OPENED = datetime(2026, 11, 23, 8, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def routed_app(database_url: str, tmp_path: Path) -> Iterator[App]:
    app = open_app(base_settings(tmp_path, database_url=database_url))
    app.sync_organisation()
    yield app
    app.close()


def case_values(number: int) -> dict[str, Any]:
    return {
        "reference": f"BULK-{number}",
        "customer_id": None,
        "unit": "billing",
        "topic": "billing",
        "subject": f"Invoice {number} — zażółć gęślą jaźń",
        "status": "open",
        "priority": 3,
        "opened_at": OPENED + timedelta(seconds=number),
        "deadline_at": None if number % 2 else OPENED + timedelta(hours=8),
        "closed_at": None,
        "routing_trail": [f"step {number}", "ünïcode ✓"],
        "product": None,
        "region": "warsaw",
        "tags": ["vip"] if number % 3 == 0 else [],
        "incident_id": None,
        "answered_at": None,
        "archived_at": None,
        "waiting_since": None,
        "paused_seconds": 1.5 * number,
    }


def table_of(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def stored(session: Session, case_id: int) -> dict[str, Any]:
    case = session.get(Case, case_id)
    assert case is not None
    return {key: getattr(case, key) for key in case_values(0)}


def test_bulk_inserted_cases_read_back_as_given_with_ids_in_row_order(routed_app: App) -> None:
    rows = [case_values(number) for number in range(1, 8)]
    with unit_of_work(routed_app.sessions) as session:
        ids = insert_with_ids(session, table_of(Case), rows)
    assert len(set(ids)) == len(rows)
    with routed_app.sessions() as session:
        for case_id, row in zip(ids, rows, strict=True):
            assert stored(session, case_id) == row


def test_bulk_inserted_rows_match_the_same_rows_written_by_the_orm(routed_app: App) -> None:
    """Datetimes, JSON and None are stored in the same form as the ORM stores them: the
    database compares them alike (a JSON null stays JSON, a datetime sorts with the others)."""
    with unit_of_work(routed_app.sessions) as session:
        orm_case = Case(**case_values(1))
        session.add(orm_case)
        session.flush()
        (bulk_id,) = insert_with_ids(session, table_of(Case), [case_values(1) | {"reference": "B"}])
        orm_id = orm_case.id
    with routed_app.sessions() as session:
        columns = ", ".join(key for key in case_values(0) if key != "reference")
        orm_row, bulk_row = (
            session.execute(text(f"SELECT {columns} FROM cases WHERE id = :id"), {"id": i}).one()
            for i in (orm_id, bulk_id)
        )
        assert tuple(bulk_row) == tuple(orm_row)


def test_rows_inserted_without_ids_keep_their_order_and_values(routed_app: App) -> None:
    events = [
        {
            "at": OPENED + timedelta(minutes=number),
            "actor": "router",
            "entity_type": "case",
            "entity_id": str(number),
            "action": "opened",
            "detail": {"unit": "billing", "number": number, "note": None},
        }
        for number in range(5)
    ]
    with unit_of_work(routed_app.sessions) as session:
        insert_without_ids(session, table_of(AuditEvent), events)
    with routed_app.sessions() as session:
        found = session.scalars(
            select(AuditEvent).where(AuditEvent.actor == "router").order_by(AuditEvent.id)
        ).all()
    assert [(e.at, e.entity_id, e.detail) for e in found] == [
        (e["at"], e["entity_id"], e["detail"]) for e in events
    ]


def test_a_bulk_insert_rolled_back_leaves_nothing(routed_app: App) -> None:
    with pytest.raises(RuntimeError, match="stop"), unit_of_work(routed_app.sessions) as session:
        insert_with_ids(session, table_of(Case), [case_values(1), case_values(2)])
        raise RuntimeError("stop")
    with routed_app.sessions() as session:
        assert session.scalars(select(Case)).all() == []


def test_enum_values_are_stored_as_their_text(routed_app: App) -> None:
    with unit_of_work(routed_app.sessions) as session:
        (case_id,) = insert_with_ids(session, table_of(Case), [case_values(1)])
        task = {
            "case_id": case_id,
            "contact_id": None,
            "unit": "billing",
            "kind": "answer",
            "status": TaskStatus.OPEN,
            "priority": 2,
            "due_at": OPENED,
            "title": "t",
            "note": "",
            "expected_minutes": 15.0,
            "attempts": 0,
            "payload": {},
            "created_at": OPENED,
        }
        (task_id,) = insert_with_ids(session, table_of(Task), [task])
    with routed_app.sessions() as session:
        status = session.execute(text("SELECT status FROM tasks WHERE id = :id"), {"id": task_id})
        assert status.scalar() == "open"


def test_json_values_are_stored_as_the_same_text_as_the_orm_writes(routed_app: App) -> None:
    """A JSON null stays JSON (not SQL NULL), non-ASCII text and nesting keep the ORM's form."""
    details: list[Any] = [None, {"note": "zażółć ✓", "cases": ["C-1", None], "n": 1.5}, []]
    base = {"at": OPENED, "actor": "router", "entity_type": "case", "action": "opened"}
    with unit_of_work(routed_app.sessions) as session:
        for number, detail in enumerate(details):
            session.add(AuditEvent(**base, entity_id=f"orm-{number}", detail=detail))
        session.flush()
        bulk = [
            {**base, "entity_id": f"bulk-{number}", "detail": detail}
            for number, detail in enumerate(details)
        ]
        insert_without_ids(session, table_of(AuditEvent), bulk)
    with routed_app.sessions() as session:
        stored = dict(
            session.execute(
                text("SELECT entity_id, CAST(detail AS TEXT) FROM audit_events WHERE actor = :a"),
                {"a": "router"},
            ).all()
        )
    for number in range(len(details)):
        assert stored[f"bulk-{number}"] == stored[f"orm-{number}"] is not None


def test_a_json_value_the_orm_cannot_write_is_refused_not_stored_as_text(routed_app: App) -> None:
    """A datetime inside a JSON column is refused (as the ORM's JSON serializer refuses it),
    naming the table, rather than stored as ISO text that reads back as a string."""
    event = {
        "at": OPENED,
        "actor": "router",
        "entity_type": "case",
        "entity_id": "1",
        "action": "opened",
        "detail": {"due": OPENED},
    }
    with (
        pytest.raises(TypeError, match=r"audit_events.*datetime"),
        unit_of_work(routed_app.sessions) as session,
    ):
        insert_without_ids(session, table_of(AuditEvent), [event])
    with routed_app.sessions() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.actor == "router")).all() == []


def test_a_naive_datetime_is_refused_naming_the_table(routed_app: App) -> None:
    row = case_values(1) | {"opened_at": datetime(2026, 11, 23, 8, 30)}
    with (
        pytest.raises(ValueError, match=r"cases: .*naive datetime"),
        unit_of_work(routed_app.sessions) as session,
    ):
        insert_with_ids(session, table_of(Case), [row])
    with routed_app.sessions() as session:
        assert session.scalars(select(Case)).all() == []
