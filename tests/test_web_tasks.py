"""The back office's screens and the REST API on a real routed email: who may see what, the work
on a task from claim to answer, CSRF protection and the contact view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intake.app import App
from tests.web_support import (
    AGENT,
    BILLING,
    CLAIMS,
    add_people,
    client_for,
    csrf_of,
    routed_email,
    sign_in,
)
from workflow.accounts import issue_api_token
from workflow.db import unit_of_work
from workflow.models import Answer, LabelCorrection, Task, TaskKind, TaskStatus, WebSession


@pytest.fixture
def claim_task_id(app: App, tmp_path: Path) -> int:
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    add_people(app)
    with app.sessions() as session:
        task = session.scalars(select(Task).where(Task.contact_id == contact_id)).one()
        assert task.unit == "claims"
        return task.id


@pytest.fixture
def client(app: App) -> TestClient:
    return client_for(app)


def test_pages_send_a_stranger_to_the_sign_in_form(client: TestClient, app: App) -> None:
    add_people(app)
    response = client.get("/tasks", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/tasks"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: TestClient, app: App
) -> None:
    add_people(app)
    for username in (CLAIMS, "nobody"):
        response = client.post("/signin", data={"username": username, "password": "not-it-at-all"})
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
    with app.sessions() as session:
        assert session.scalars(select(WebSession)).all() == []


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient, app: App) -> None:
    add_people(app)
    response = client.post(
        "/signin",
        data={"username": CLAIMS, "password": "intake-demo"},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert response.headers["location"] == "/tasks"


def test_a_unit_member_sees_the_task_in_the_units_list(
    client: TestClient, claim_task_id: int
) -> None:
    sign_in(client, CLAIMS)
    page = client.get("/tasks?unit=claims").text
    assert f'href="/tasks/{claim_task_id}"' in page


def test_a_member_of_another_unit_cannot_open_the_task_by_its_url(
    client: TestClient, claim_task_id: int
) -> None:
    sign_in(client, BILLING)
    assert f"/tasks/{claim_task_id}" not in client.get("/tasks").text
    assert client.get(f"/tasks/{claim_task_id}").status_code == 403
    assert client.get("/tasks?unit=claims").status_code == 403


def test_a_member_of_another_unit_cannot_change_the_task_either(
    client: TestClient, claim_task_id: int, app: App
) -> None:
    csrf = sign_in(client, BILLING)
    response = client.post(f"/tasks/{claim_task_id}/claim", data={"csrf_token": csrf})
    assert response.status_code == 403
    with app.sessions() as session:
        assert session.get_one(Task, claim_task_id).status == TaskStatus.OPEN


def test_a_form_without_the_csrf_token_changes_nothing(
    client: TestClient, claim_task_id: int, app: App
) -> None:
    sign_in(client, CLAIMS)
    response = client.post(f"/tasks/{claim_task_id}/claim", data={})
    assert response.status_code == 403
    assert "CSRF" in response.text
    with app.sessions() as session:
        assert session.get_one(Task, claim_task_id).status == TaskStatus.OPEN


def test_claiming_and_answering_by_letter_creates_a_callback(
    client: TestClient, claim_task_id: int, app: App
) -> None:
    csrf = sign_in(client, CLAIMS)
    page = client.post(f"/tasks/{claim_task_id}/claim", data={"csrf_token": csrf})
    assert "the task is yours" in page.text
    assert "Send answer" in page.text
    done = client.post(
        f"/tasks/{claim_task_id}/answer",
        data={"csrf_token": csrf, "body": "We will replace the part.", "channel": "letter"},
    )
    assert "answered by letter" in done.text
    assert "A callback task went to the call centre." in done.text
    with app.sessions() as session:
        task = session.get_one(Task, claim_task_id)
        assert task.status == TaskStatus.DONE
        answer = session.scalars(select(Answer).where(Answer.case_id == task.case_id)).one()
        assert answer.actor == CLAIMS and answer.channel == "letter"
        callback = session.scalars(
            select(Task).where(Task.case_id == task.case_id, Task.kind == TaskKind.CALLBACK)
        ).one()
        assert callback.unit == app.organisation.callback_unit


def test_the_contact_view_shows_the_email_labels_and_routing_trail(
    client: TestClient, claim_task_id: int
) -> None:
    sign_in(client, CLAIMS)
    page = client.get(f"/tasks/{claim_task_id}").text
    assert "Why it was routed here" in page
    assert re.search(r"claim\S* <span class=\"score\">\(\d+% sure\)", page)
    assert "C-" in page  # the case reference


def test_the_sanitised_email_html_is_served_so_that_it_can_load_nothing(
    client: TestClient, claim_task_id: int
) -> None:
    sign_in(client, CLAIMS)
    page = client.get(f"/tasks/{claim_task_id}").text
    found = re.search(r'src="/documents/(\d+)" sandbox', page)
    assert found, "the HTML email is not offered"
    response = client.get(f"/documents/{found.group(1)}")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "<script" not in response.text.lower()


def test_correcting_the_topic_is_kept_as_a_training_example(
    client: TestClient, claim_task_id: int, app: App
) -> None:
    csrf = sign_in(client, CLAIMS)
    with app.sessions() as session:
        contact_id = session.get_one(Task, claim_task_id).contact_id
    response = client.post(
        f"/contacts/{contact_id}/topic",
        data={"csrf_token": csrf, "topic": "complaint", "back": "/tasks"},
    )
    assert response.status_code == 200
    with app.sessions() as session:
        correction = session.scalars(select(LabelCorrection)).one()
        assert (correction.new_label, correction.actor) == ("complaint", CLAIMS)


def test_the_api_needs_a_token_and_keeps_to_the_callers_units(
    client: TestClient, claim_task_id: int, app: App
) -> None:
    assert client.get("/api/v1/tasks").status_code == 401
    with unit_of_work(app.sessions) as session:
        claims_token = issue_api_token(session, CLAIMS, "crm", "test")
        billing_token = issue_api_token(session, BILLING, "crm", "test")
    own = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {claims_token}"})
    assert own.status_code == 200
    assert claim_task_id in [row["id"] for row in own.json()["tasks"]]
    other = client.get(
        f"/api/v1/tasks/{claim_task_id}", headers={"Authorization": f"Bearer {billing_token}"}
    )
    assert other.status_code == 403
    assert (
        client.get("/api/v1/tasks", headers={"Authorization": "Bearer forged"}).status_code == 401
    )


def test_the_openapi_document_lists_the_api(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "/api/v1/tasks/{task_id}/answer" in document["paths"]
    assert client.get("/docs").status_code == 200


def test_an_agent_cannot_open_back_office_tasks(client: TestClient, claim_task_id: int) -> None:
    sign_in(client, AGENT)
    assert client.get(f"/tasks/{claim_task_id}").status_code == 403
    assert csrf_of(client.get("/tasks").text)


def test_expired_sign_ins_open_nothing_and_are_cleared_by_serve(
    client: TestClient, app: App
) -> None:
    from datetime import timedelta

    from intake.jobs import default_jobs
    from workflow.models import utcnow

    add_people(app)
    sign_in(client, CLAIMS)
    with unit_of_work(app.sessions) as session:
        for row in session.scalars(select(WebSession)):
            row.expires_at = utcnow() - timedelta(minutes=1)
    assert client.get("/tasks", follow_redirects=False).status_code == 303
    (job,) = [job for job in default_jobs(app) if job.name == "web sessions"]
    assert job.run(app) == "expired sessions removed: 1"
    with app.sessions() as session:
        assert session.scalars(select(WebSession)).all() == []
