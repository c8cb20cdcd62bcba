"""The route stage's batch writer: contacts routed together in one batch end exactly as when they
are routed one at a time (cases, tasks, trails, incidents, overflow moves, audit events)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

import intake.routing_steps
from intake.app import App, open_app
from intake.stages import route
from tests.conftest import base_settings
from workflow.cases import plan_case, plan_task
from workflow.db import unit_of_work
from workflow.models import AuditEvent, Case, Contact, Customer, Incident, Task, TaskKind
from workflow.overflow import forget_throughputs
from workflow.routing import RoutingDecision

WARSAW = ZoneInfo("Europe/Warsaw")
# Monday 23 November 2026, 09:00 in Warsaw: routing's "now" in both runs, so that the overflow
# predictions (written in the trail) are the same.
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=WARSAW)
# Enough open claims due now that a new claim would wait beyond its deadline in `claims`.
CLAIMS_BACKLOG = 400


@pytest.fixture
def routing_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake.routing_steps, "utcnow", lambda: MONDAY_MORNING)


def fresh_app(database_url: str, home: Path) -> App:
    app = open_app(base_settings(home, database_url=database_url))
    app.sync_organisation()
    forget_throughputs()
    return app


@pytest.fixture
def second_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second empty database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second' / 'intake.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"intake_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def two_apps(database_url: str, second_url: str, tmp_path: Path) -> Iterator[tuple[App, App]]:
    """Two empty databases of the same kind: one routed in a batch, one contact at a time."""
    apps = (fresh_app(database_url, tmp_path / "one"), fresh_app(second_url, tmp_path / "two"))
    yield apps
    for app in apps:
        app.close()


def claims_backlog(session: Session) -> None:
    decision = RoutingDecision("claims", "claim", 3, MONDAY_MORNING, ("backlog",))
    cases = [
        plan_case(decision, customer_id=None, subject="old", opened_at=MONDAY_MORNING)
        for _ in range(CLAIMS_BACKLOG)
    ]
    session.add_all(cases)
    session.flush()
    for number, case in enumerate(cases):
        task = plan_task(
            case.id,
            kind=TaskKind.ANSWER,
            unit="claims",
            contact_id=None,
            priority=3,
            due_at=MONDAY_MORNING,
            title=f"old claim {number}",
        )
        session.add(task)


def contact(session: Session, number: int, minute: int, **fields: Any) -> Contact:
    """A classified email from customer `number` (created on first use)."""
    address = f"customer{number}@example.com"
    if session.scalar(select(Customer).where(Customer.email == address)) is None:
        postcode = fields.pop("postcode", "02-495")
        session.add(Customer(name=f"Customer {number}", email=address, postcode=postcode))
    fields.pop("postcode", None)
    key = fields.get("message_id") or f"<{number}.{minute}@example.com>"
    values: dict[str, Any] = {
        "channel": "email",
        "source": f"mail/{key}.eml",
        "source_key": f"test:{key}",
        "sha256": hashlib.sha256(key.encode()).hexdigest(),
        "received_at": MONDAY_MORNING + timedelta(minutes=minute),
        "stage": "classified",
        "subject": f"Contact {number} at minute {minute}",
        "sender_address": address,
        "text": "Please help.",
        "language": "en",
        "topic": "delivery",
        "topic_score": 0.9,
        "sentiment": "negative",
        "sentiment_score": 0.8,
        "message_id": key,
        **fields,
    }
    item = Contact(**values)
    session.add(item)
    session.flush()
    return item


def new_contacts(session: Session) -> list[Contact]:
    """Six deliveries from Warsaw (an incident), claims into a full queue (overflow), a reply to
    an earlier case, a reply to a contact of the same batch, and an auto-reply."""
    deliveries = [contact(session, 10 + n, 5 + 5 * n) for n in range(6)]
    claims = [
        contact(session, 20 + n, 2 + 3 * n, topic="claim", postcode="80-001") for n in range(8)
    ]
    reply_to_old = contact(session, 1, 40, in_reply_to="<old@example.com>", topic="billing")
    first = contact(session, 30, 41, topic="billing", message_id="<first@example.com>")
    reply_in_batch = contact(session, 30, 42, in_reply_to="<first@example.com>", topic="billing")
    noise = contact(session, 31, 43, noise="auto-reply")
    everything = [*deliveries, *claims, reply_to_old, first, reply_in_batch, noise]
    return sorted(everything, key=lambda c: c.id)


def prepare(app: App) -> list[int]:
    """The same history in each database: a backlog and one earlier routed case."""
    with unit_of_work(app.sessions) as session:
        claims_backlog(session)
        old = contact(session, 1, -600, topic="billing", message_id="<old@example.com>")
        route.run(app, session, [old])
    with unit_of_work(app.sessions) as session:
        return [c.id for c in new_contacts(session)]


def route_together(app: App, ids: list[int]) -> None:
    with unit_of_work(app.sessions) as session:
        route.run(app, session, _contacts(session, ids))


def route_one_by_one(app: App, ids: list[int]) -> None:
    for contact_id in ids:
        with unit_of_work(app.sessions) as session:
            route.run(app, session, _contacts(session, [contact_id]))


def _contacts(session: Session, ids: list[int]) -> list[Contact]:
    return list(session.scalars(select(Contact).where(Contact.id.in_(ids)).order_by(Contact.id)))


def outcome(app: App) -> dict[str, list[Any]]:
    """Everything routing wrote, with task ids replaced by what identifies a task (its contact
    and kind, or its incident), since the supervisors' task may be written earlier in a batch.
    Tasks and audit events are compared as sorted lists (sorted by their text: values may be
    None)."""
    with app.sessions() as session:
        tasks = session.scalars(select(Task).where(Task.title.not_like("old claim%"))).all()
        task_key = {t.id: (t.contact_id, t.kind, repr(t.payload)) for t in tasks}
        references = {i: ref for i, ref in session.execute(select(Case.id, Case.reference))}
        cases = [
            (
                c.reference,
                c.customer_id,
                c.unit,
                c.topic,
                c.status,
                c.priority,
                c.deadline_at,
                c.routing_trail,
                c.product,
                c.region,
                c.tags,
                c.incident_id,
            )
            for c in session.scalars(select(Case).order_by(Case.id))
        ]
        task_rows = [
            (
                task_key[t.id],
                references[t.case_id],
                t.unit,
                t.original_unit,
                t.status,
                t.priority,
                t.due_at,
                t.title,
                t.payload,
            )
            for t in tasks
        ]
        incidents = [
            (i.id, i.topic, i.product, i.region, i.status, i.contacts, i.title)
            for i in session.scalars(select(Incident).order_by(Incident.id))
        ]
        contacts = [
            (c.id, c.customer_id, references.get(c.case_id or 0))
            for c in session.scalars(select(Contact).order_by(Contact.id))
        ]
        audit = [
            (
                e.actor,
                e.entity_type,
                repr(task_key.get(int(e.entity_id), e.entity_id))
                if e.entity_type == "task"
                else e.entity_id,
                e.action,
                repr(sorted(e.detail.items())),
            )
            for e in session.scalars(select(AuditEvent))
        ]
    return {
        "cases": cases,
        "tasks": sorted(task_rows, key=repr),
        "incidents": incidents,
        "contacts": contacts,
        "audit": sorted(audit, key=repr),
    }


@pytest.mark.usefixtures("routing_now")
def test_a_batch_routed_together_ends_as_routed_one_by_one(two_apps: tuple[App, App]) -> None:
    together, one_by_one = two_apps
    runs: list[tuple[App, Callable[[App, list[int]], None]]] = [
        (together, route_together),
        (one_by_one, route_one_by_one),
    ]
    for app, route_them in runs:
        ids = prepare(app)
        forget_throughputs()
        route_them(app, ids)
    batch, single = outcome(together), outcome(one_by_one)
    # The scenario does what it is meant to: an incident, overflow moves, both kinds of reply.
    assert [i[1:3] for i in batch["incidents"]] == [("delivery", None)]
    moved = [t for t in batch["tasks"] if t[3] == "claims"]
    assert moved and all(t[2] == "complaints" for t in moved)
    trails = [" | ".join(c[7]) for c in batch["cases"]]
    assert sum("reply joined the case by message <old@example.com>" in t for t in trails) == 1
    assert sum("reply joined the case by message <first@example.com>" in t for t in trails) == 1
    assert len(batch["cases"]) == CLAIMS_BACKLOG + 1 + 6 + 8 + 1
    for part in ("cases", "tasks", "incidents", "contacts", "audit"):
        assert batch[part] == single[part], part
