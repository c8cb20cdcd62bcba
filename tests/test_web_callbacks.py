"""The call centre's screens and API on a real routed email answered by letter: the callback
appears in the agent's list with its whole story, the agent claims it and records the calls,
and nobody outside the call centre (or its overseers) can open it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intake.app import App
from intake.services.accounts import create_user
from tests.web_support import (
    AGENT,
    CLAIMS,
    SUPERVISOR,
    add_people,
    browser_sign_in,
    chromium_page,
    client_for,
    live_intake,
    need_chromium,
    routed_email,
    sign_in,
)
from workflow.accounts import Role, issue_api_token
from workflow.db import unit_of_work
from workflow.models import CallbackAttempt, Case, CaseStatus, Task, TaskKind, TaskStatus

ANSWER = "We will replace the grinder; the courier collects it on Thursday."


@pytest.fixture
def callback_id(app: App, tmp_path: Path) -> int:
    """The callback the claims unit's letter answer to a real email creates."""
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    add_people(app)
    with app.sessions() as session:
        task = session.scalars(select(Task).where(Task.contact_id == contact_id)).one()
    back_office = client_for(app)
    csrf = sign_in(back_office, CLAIMS)
    back_office.post(f"/tasks/{task.id}/claim", data={"csrf_token": csrf})
    done = back_office.post(
        f"/tasks/{task.id}/answer",
        data={"csrf_token": csrf, "body": ANSWER, "channel": "letter"},
    )
    assert "A callback task went to the call centre." in done.text
    with app.sessions() as session:
        return session.scalars(
            select(Task.id).where(Task.case_id == task.case_id, Task.kind == TaskKind.CALLBACK)
        ).one()


@pytest.fixture
def agent(app: App) -> TestClient:
    return client_for(app)


def _claim(client: TestClient, callback_id: int, csrf: str) -> str:
    page = client.post(f"/callbacks/{callback_id}/claim", data={"csrf_token": csrf})
    assert page.status_code == 200, page.text
    return page.text


def _call(client: TestClient, callback_id: int, csrf: str, outcome: str, note: str = "") -> str:
    page = client.post(
        f"/callbacks/{callback_id}/outcome",
        data={"csrf_token": csrf, "outcome": outcome, "note": note},
    )
    assert page.status_code == 200, page.text
    return page.text


def test_the_callback_of_an_answered_letter_is_in_the_agents_list(
    agent: TestClient, callback_id: int
) -> None:
    sign_in(agent, AGENT)  # lands on the agent's home, the callback list
    page = agent.get("/callbacks").text
    row = re.search(rf'<a href="/callbacks/{callback_id}">([^<]+)</a>', page)
    assert row, "the callback is not in the list"
    assert row.group(1) == "James Patel"
    assert "Calls so far" in page and "Call the most urgent" in page


def test_the_callback_page_tells_the_whole_story(agent: TestClient, callback_id: int) -> None:
    sign_in(agent, AGENT)
    page = agent.get(f"/callbacks/{callback_id}").text
    assert "Call James Patel about C-" in page
    assert ANSWER in page  # the answer the line unit gave
    assert "Warranty claims and returns" in page  # ... and which unit gave it
    assert "Signed return form for the faulty coffee grinder" in page  # the email itself
    assert "Why it was routed here" in page
    assert "No call yet" in page
    assert "Claim and call" in page


def test_no_answer_schedules_the_next_try_and_reached_closes_the_case(
    agent: TestClient, callback_id: int, app: App
) -> None:
    csrf = sign_in(agent, AGENT)
    claimed = _claim(agent, callback_id, csrf)
    assert "the callback is yours" in claimed
    assert 'value="no_answer"' in claimed and 'value="wrong_number"' in claimed

    after_first = _call(agent, callback_id, csrf, "no_answer", "voicemail")
    assert "Call 1 on C-" in after_first and "recorded: no answer" in after_first
    assert "Next try due" in after_first
    with app.sessions() as session:
        task = session.get_one(Task, callback_id)
        assert task.status == TaskStatus.OPEN and task.claimed_by is None
    page = agent.get(f"/callbacks/{callback_id}").text
    assert "voicemail" in page and "no answer" in page

    _claim(agent, callback_id, csrf)
    after_second = _call(agent, callback_id, csrf, "reached", "happy with the replacement")
    assert "Call 2 on C-" in after_second and "is closed" in after_second
    with app.sessions() as session:
        task = session.get_one(Task, callback_id)
        assert task.status == TaskStatus.DONE
        assert session.get_one(Case, task.case_id).status == CaseStatus.CLOSED
        outcomes = session.scalars(
            select(CallbackAttempt.outcome)
            .where(CallbackAttempt.task_id == callback_id)
            .order_by(CallbackAttempt.id)
        ).all()
        assert outcomes == ["no_answer", "reached"]
    assert f'href="/callbacks/{callback_id}"' not in agent.get("/callbacks").text


def test_a_call_is_recorded_only_by_the_agent_holding_the_callback(
    agent: TestClient, callback_id: int, app: App
) -> None:
    csrf = sign_in(agent, AGENT)
    refused = agent.post(
        f"/callbacks/{callback_id}/outcome",
        data={"csrf_token": csrf, "outcome": "reached"},
    )
    assert refused.status_code == 409
    assert "claim callback" in refused.text and "nobody holds it" in refused.text
    with app.sessions() as session:
        assert session.scalars(select(CallbackAttempt)).all() == []


def test_an_outcome_that_does_not_exist_is_refused_naming_the_real_ones(
    agent: TestClient, callback_id: int
) -> None:
    csrf = sign_in(agent, AGENT)
    _claim(agent, callback_id, csrf)
    refused = agent.post(
        f"/callbacks/{callback_id}/outcome",
        data={"csrf_token": csrf, "outcome": "busy signal"},
    )
    assert refused.status_code == 409
    assert "reached, no_answer, wrong_number" in refused.text


def test_a_back_office_user_cannot_open_callbacks(app: App, callback_id: int) -> None:
    client = client_for(app)
    csrf = sign_in(client, CLAIMS)
    assert client.get("/callbacks").status_code == 403
    page = client.get(f"/callbacks/{callback_id}")
    assert page.status_code == 403
    assert "needs the agent or supervisor role" in page.text
    claim = client.post(f"/callbacks/{callback_id}/claim", data={"csrf_token": csrf})
    assert claim.status_code == 403


def test_an_agent_of_another_unit_cannot_open_the_call_centres_callbacks(
    app: App, callback_id: int
) -> None:
    with unit_of_work(app.sessions) as session:
        create_user(
            session,
            username="helpdesk",
            display_name="Helpdesk agent",
            role=Role.AGENT,
            password="intake-demo",
            units=("techsupport",),
            actor="test",
        )
    client = client_for(app)
    client.post("/signin", data={"username": "helpdesk", "password": "intake-demo"})
    assert client.get(f"/callbacks/{callback_id}").status_code == 403
    assert "works in no call-centre unit" in client.get("/callbacks").text


def test_a_supervisor_sees_the_callbacks_without_working_the_unit(
    app: App, callback_id: int
) -> None:
    client = client_for(app)
    sign_in(client, SUPERVISOR)
    assert f'href="/callbacks/{callback_id}"' in client.get("/callbacks").text
    assert client.get(f"/callbacks/{callback_id}").status_code == 200


def test_the_api_lists_callbacks_and_records_an_outcome_after_a_claim(
    app: App, callback_id: int
) -> None:
    with unit_of_work(app.sessions) as session:
        agent_token = issue_api_token(session, AGENT, "dialler", "test")
        claims_token = issue_api_token(session, CLAIMS, "crm", "test")
    client = client_for(app)
    agent = {"Authorization": f"Bearer {agent_token}"}
    listed = client.get("/api/v1/callbacks", headers=agent)
    assert listed.status_code == 200
    (row,) = listed.json()["rows"]
    assert (row["id"], row["customer"]["name"], row["calls"]) == (callback_id, "James Patel", 0)

    unclaimed = client.post(
        f"/api/v1/callbacks/{callback_id}/outcome", json={"outcome": "no_answer"}, headers=agent
    )
    assert unclaimed.status_code == 409
    assert client.post(f"/api/v1/tasks/{callback_id}/claim", headers=agent).status_code == 200
    recorded = client.post(
        f"/api/v1/callbacks/{callback_id}/outcome",
        json={"outcome": "no_answer", "note": "engaged"},
        headers=agent,
    )
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert body["attempt"] == 1 and body["case_closed"] is False and body["next_due_at"]

    other = {"Authorization": f"Bearer {claims_token}"}
    assert client.get("/api/v1/callbacks", headers=other).status_code == 403
    assert client.get(f"/api/v1/callbacks/{callback_id}", headers=other).status_code == 403


def test_a_task_that_is_not_a_callback_is_not_found_among_callbacks(
    app: App, callback_id: int
) -> None:
    with app.sessions() as session:
        answered = session.scalars(
            select(Task.id).where(Task.kind == TaskKind.ANSWER, Task.unit == "claims")
        ).one()
    client = client_for(app)
    sign_in(client, SUPERVISOR)
    assert client.get(f"/callbacks/{answered}").status_code == 404


SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.mark.slow
def test_in_a_browser_the_agent_calls_back_and_the_live_dashboard_follows(
    app: App, callback_id: int
) -> None:
    from playwright.sync_api import Page, expect

    need_chromium()
    with (
        live_intake(app.settings.home) as server,
        chromium_page(server.url) as board,
    ):
        assert isinstance(board, Page) and board.context.browser is not None
        # The agent works in a second browser context: its own cookies, the same browser.
        desk = board.context.browser.new_context(
            base_url=server.url, viewport={"width": 1280, "height": 900}
        ).new_page()
        browser_sign_in(board, SUPERVISOR)
        expect(board.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
        callcentre = board.locator("#unit-callcentre")
        expect(callcentre.locator("td.open")).to_have_text("1")
        expect(callcentre.locator("td.claimed")).to_have_text("0")

        browser_sign_in(desk, AGENT)
        expect(desk.get_by_role("heading", name="Callbacks to make")).to_be_visible()
        desk.screenshot(path=str(SCREENSHOTS / "callbacks.png"), full_page=True)
        desk.get_by_role("link", name="James Patel").click()
        desk.get_by_role("button", name=re.compile("Claim and call")).click()
        expect(desk.get_by_role("status")).to_contain_text("the callback is yours")
        desk.screenshot(path=str(SCREENSHOTS / "callback.png"), full_page=True)
        # The dashboard polls its live part: the claim shows without a reload.
        expect(callcentre.locator("td.claimed")).to_have_text("1", timeout=30_000)

        desk.get_by_label("Note on this call (optional)").fill("voicemail, try after lunch")
        desk.get_by_role("button", name=re.compile("No answer")).click()
        expect(desk.get_by_role("status")).to_contain_text("Next try due")
        expect(callcentre.locator("td.claimed")).to_have_text("0", timeout=30_000)
        expect(board.locator("#agent-a\\.jankowski td.state")).to_have_text("free")
        board.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    with app.sessions() as session:
        (call,) = session.scalars(select(CallbackAttempt)).all()
        assert (call.outcome, call.note) == ("no_answer", "voicemail, try after lunch")
