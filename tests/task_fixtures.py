"""Building blocks of the task, callback, escalation and archive tests: a migrated database with
the demo organisation, and cases with tasks written the way the route stage writes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import SAMPLES
from workflow.db import make_engine, migrate, session_factory, unit_of_work
from workflow.directory import sync_organisation
from workflow.models import Case, Task, TaskKind, TaskStatus
from workflow.org import Organisation, load_organisation

ORG = load_organisation(SAMPLES / "org")
# A Tuesday morning in Warsaw, inside the office calendar's business hours.
TUESDAY_10 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@contextmanager
def database(url: str) -> Iterator[sessionmaker[Session]]:
    """A migrated database with the demo organisation's units and agents."""
    engine: Engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    with unit_of_work(sessions) as session:
        sync_organisation(session, ORG)
    try:
        yield sessions
    finally:
        engine.dispose()


def organisation() -> Organisation:
    return ORG


def open_case(session: Session, unit: str, subject: str = "Washing machine leaks") -> Case:
    case = Case(unit=unit, subject=subject, opened_at=TUESDAY_10, deadline_at=None)
    session.add(case)
    session.flush()
    case.reference = f"C-{case.id:06d}"
    return case


def add_task(
    session: Session,
    case: Case,
    *,
    unit: str,
    due_at: datetime | None,
    expected_minutes: float = 15.0,
    created_at: datetime = TUESDAY_10,
    kind: str = TaskKind.ANSWER,
    contact_id: int | None = None,
) -> Task:
    task = Task(
        case_id=case.id,
        contact_id=contact_id,
        unit=unit,
        kind=kind,
        status=TaskStatus.OPEN,
        due_at=due_at,
        expected_minutes=expected_minutes,
        title=case.subject,
        created_at=created_at,
    )
    session.add(task)
    session.flush()
    return task


def bulk_tasks(session: Session, unit: str, count: int, start: datetime) -> None:
    """`count` open tasks on one case, deadlines a minute apart, inserted in one statement."""
    case = open_case(session, unit, "bulk")
    rows = [
        {
            "case_id": case.id,
            "unit": unit,
            "kind": TaskKind.ANSWER,
            "status": TaskStatus.OPEN,
            "priority": 3,
            "due_at": start + timedelta(minutes=i),
            "title": f"task {i}",
            "note": "",
            "payload": {},
            "expected_minutes": 15.0,
            "attempts": 0,
            "created_at": start,
        }
        for i in range(count)
    ]
    session.execute(insert(Task), rows)
