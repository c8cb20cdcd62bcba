"""The supervisor's dashboard: its counts follow the tasks as they are created, claimed and
completed, deadlines at risk follow the stated definition, agents show as free, busy or absent,
contacts are counted per hour and channel, incidents with their contacts; and only supervisors
and administrators may see it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intake.app import App, open_app
from intake.services import dashboard
from intake.services.principal import Principal
from tests.conftest import base_settings
from tests.task_fixtures import TUESDAY_10, add_task, bulk_tasks, open_case
from tests.web_support import (
    ADMIN,
    CLAIMS,
    SUPERVISOR,
    add_people,
    client_for,
    routed_email,
    sign_in,
)
from workflow.accounts import Role, issue_api_token
from workflow.db import unit_of_work
from workflow.models import Contact, Incident, Task, TaskKind, TaskStatus, utcnow

OVERSEER = Principal(0, "boss", "Boss", Role.SUPERVISOR, (), None)


@pytest.fixture
def supervisor(app: App) -> TestClient:
    add_people(app)
    client = client_for(app)
    sign_in(client, SUPERVISOR)
    return client


def unit_counts(html: str, unit: str) -> dict[str, int]:
    """The queue, open, claimed, late and at-risk figures of one unit's row."""
    row = re.search(rf'<tr id="unit-{unit}".*?</tr>', html, re.S)
    assert row, f"no row for unit {unit}"
    cells = re.findall(r'<td class="num ([a-z-]+)">(\d+)</td>', row.group(0))
    return {name: int(value) for name, value in cells}


def test_the_dashboard_counts_move_as_a_task_is_created_claimed_and_completed(
    supervisor: TestClient, app: App, tmp_path: Path
) -> None:
    assert unit_counts(supervisor.get("/dashboard/live").text, "claims")["queue"] == 0

    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    created = unit_counts(supervisor.get("/dashboard/live").text, "claims")
    assert (created["queue"], created["open"], created["claimed"]) == (1, 1, 0)

    with app.sessions() as session:
        task_id = session.scalars(select(Task.id).where(Task.contact_id == contact_id)).one()
    back_office = client_for(app)
    csrf = sign_in(back_office, CLAIMS)
    back_office.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf})
    claimed = unit_counts(supervisor.get("/dashboard/live").text, "claims")
    assert (claimed["queue"], claimed["open"], claimed["claimed"]) == (1, 0, 1)

    back_office.post(f"/tasks/{task_id}/complete", data={"csrf_token": csrf, "note": "done"})
    completed = unit_counts(supervisor.get("/dashboard/live").text, "claims")
    assert (completed["queue"], completed["open"], completed["claimed"]) == (0, 0, 0)


def test_late_and_at_risk_follow_the_definition_shown(app: App) -> None:
    app.sync_organisation()
    now = utcnow()
    with unit_of_work(app.sessions) as session:
        case = open_case(session, "billing")
        # Late: the deadline has passed.
        add_task(session, case, unit="billing", due_at=now - timedelta(minutes=5))
        # At risk: 20 minutes left for 15 minutes of work, slack 5 < 15.
        add_task(session, case, unit="billing", due_at=now + timedelta(minutes=20))
        # Safe: 40 minutes left for 15 minutes of work, slack 25 >= 15.
        add_task(session, case, unit="billing", due_at=now + timedelta(minutes=40))
        warned = add_task(session, case, unit="billing", due_at=now + timedelta(hours=5))
        warned.warned_at = now
        add_task(session, case, unit="billing", due_at=None)
    board = dashboard.dashboard(app, OVERSEER, now=now)
    billing = next(u for u in board.units if u.code == "billing")
    assert (billing.queue, billing.late, billing.at_risk, billing.warned) == (5, 1, 1, 1)
    assert "less than one expected handling time" in board.at_risk_definition


def test_the_oldest_item_is_measured_from_the_oldest_active_task(app: App) -> None:
    app.sync_organisation()
    now = utcnow()
    with unit_of_work(app.sessions) as session:
        case = open_case(session, "loyalty")
        old = add_task(
            session, case, unit="loyalty", due_at=None, created_at=now - timedelta(hours=3)
        )
        old.status = TaskStatus.DONE  # finished work no longer waits
        add_task(session, case, unit="loyalty", due_at=None, created_at=now - timedelta(hours=2))
        add_task(session, case, unit="loyalty", due_at=None, created_at=now - timedelta(hours=1))
    board = dashboard.dashboard(app, OVERSEER, now=now)
    loyalty = next(u for u in board.units if u.code == "loyalty")
    assert loyalty.queue == 2
    assert loyalty.oldest_age_minutes == pytest.approx(120, abs=0.1)


def test_agents_are_free_busy_holding_claims_or_absent_with_their_substitute(app: App) -> None:
    app.sync_organisation()
    with unit_of_work(app.sessions) as session:
        case = open_case(session, "callcentre")
        task = add_task(session, case, unit="callcentre", due_at=None, kind=TaskKind.CALLBACK)
        task.status, task.claimed_by = TaskStatus.CLAIMED, "b.mazur"
        task.lease_expires_at = TUESDAY_10 + timedelta(minutes=30)
    # Tuesday 24 November 2026: m.zielinska is on annual leave (samples/org/absences.yaml).
    agents = {a.id: a for a in dashboard.dashboard(app, OVERSEER, now=TUESDAY_10).agents}
    assert (agents["b.mazur"].state, agents["b.mazur"].holding) == ("busy", 1)
    assert agents["a.jankowski"].state == "free"
    away = agents["m.zielinska"]
    assert (away.state, away.substitute, away.absence_reason) == (
        "absent",
        "t.lewandowski",
        "annual leave",
    )
    # A lease that ran out is no longer held.
    later = dashboard.dashboard(app, OVERSEER, now=TUESDAY_10 + timedelta(hours=1))
    assert next(a for a in later.agents if a.id == "b.mazur").state == "free"


def test_contacts_are_counted_per_hour_and_channel(
    supervisor: TestClient, app: App, tmp_path: Path
) -> None:
    routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    now = utcnow()
    board = dashboard.dashboard(app, OVERSEER, now=now)
    assert len(board.hours) == 24
    assert board.hours[-1].by_channel == {"email": 1}
    assert sum(hour.total for hour in board.hours[:-1]) == 0
    assert board.channels == ("email",)
    page = supervisor.get("/dashboard").text
    assert "<svg" in page and "1 in all" in page
    assert re.search(r"<title>\d\d:00: 1 contact, 1 email</title>", page)


def test_open_incidents_show_with_their_contact_counts(app: App, supervisor: TestClient) -> None:
    now = utcnow()
    with unit_of_work(app.sessions) as session:
        incident = Incident(topic="claim", product="fridge", title="3 contacts on claim, fridge")
        session.add(incident)
        closed = Incident(topic="billing", status="closed", title="over")
        session.add(closed)
        session.flush()
        for number in range(3):
            case = open_case(session, "claims")
            case.incident_id = incident.id
            session.add(
                Contact(
                    channel="email",
                    source="test",
                    source_key=f"incident-{number}",
                    sha256=f"{number:064d}",
                    received_at=now,
                    case_id=case.id,
                )
            )
    (line,) = dashboard.dashboard(app, OVERSEER, now=now).incidents
    assert (line.title, line.contacts, line.open_cases) == ("3 contacts on claim, fridge", 3, 3)
    assert "3 contacts on claim, fridge" in supervisor.get("/dashboard/live").text


def test_the_counts_come_from_the_database_for_many_tasks(app: App) -> None:
    app.sync_organisation()
    now = utcnow()
    with unit_of_work(app.sessions) as session:
        # Deadlines a minute apart, the first 999.5 minutes ago (half a minute off the
        # boundaries): 1000 have passed, and the 30 due within the next half hour have less
        # slack than their 15 minutes of handling.
        bulk_tasks(session, "deliveries", 3000, now - timedelta(minutes=999.5))
    board = dashboard.dashboard(app, OVERSEER, now=now)
    deliveries = next(u for u in board.units if u.code == "deliveries")
    assert (deliveries.queue, deliveries.late, deliveries.at_risk) == (3000, 1000, 30)


def test_the_live_fragment_is_the_live_part_alone(supervisor: TestClient) -> None:
    page = supervisor.get("/dashboard").text
    assert 'hx-get="/dashboard/live"' in page and 'hx-trigger="every 5s"' in page
    fragment = supervisor.get("/dashboard/live", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "Queues per unit" in fragment.text and "Open incidents" in fragment.text
    assert "<html" not in fragment.text and "<header" not in fragment.text


def test_only_supervisors_and_administrators_see_the_dashboard(app: App) -> None:
    add_people(app)
    back_office = client_for(app)
    sign_in(back_office, CLAIMS)
    for path in ("/dashboard", "/dashboard/live"):
        refused = back_office.get(path)
        assert refused.status_code == 403
        assert "needs the supervisor role" in refused.text
    admin = client_for(app)
    sign_in(admin, ADMIN)
    assert admin.get("/dashboard").status_code == 200
    with unit_of_work(app.sessions) as session:
        claims_token = issue_api_token(session, CLAIMS, "crm", "test")
        supervisor_token = issue_api_token(session, SUPERVISOR, "wallboard", "test")
    api = client_for(app)
    denied = api.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {claims_token}"})
    assert denied.status_code == 403
    allowed = api.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {supervisor_token}"})
    assert allowed.status_code == 200
    assert {u["code"] for u in allowed.json()["units"]} >= {"claims", "callcentre"}


@pytest.mark.postgres
def test_the_dashboard_reads_the_same_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    app = open_app(base_settings(tmp_path / "var", database_url=postgres_url))
    try:
        app.sync_organisation()
        now = utcnow()
        with unit_of_work(app.sessions) as session:
            bulk_tasks(session, "deliveries", 200, now - timedelta(minutes=99.5))
            case = open_case(session, "claims")
            session.add(
                Contact(
                    channel="scan",
                    source="test",
                    source_key="pg-1",
                    sha256="1" * 64,
                    received_at=now - timedelta(hours=2),
                    case_id=case.id,
                )
            )
        board = dashboard.dashboard(app, OVERSEER, now=now)
    finally:
        app.close()
    deliveries = next(u for u in board.units if u.code == "deliveries")
    assert (deliveries.queue, deliveries.late, deliveries.at_risk) == (200, 100, 30)
    assert board.hours[-3].by_channel == {"scan": 1}
