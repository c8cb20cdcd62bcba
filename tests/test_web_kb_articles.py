"""Knowledge-base articles created and retired from the administration screen and the REST API:
validated with messages on the form, CSRF protected, audited, admin-only, and offered in the very
next acknowledgement. The organisation is a temporary copy of samples/org."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intake.app import App, open_app
from intake.config import Settings
from tests.conftest import SAMPLES
from tests.test_acknowledgements_queue import SMTP, outbox, run, variant
from tests.web_support import ADMIN, BILLING, SUPERVISOR, add_people, client_for, sign_in
from workflow.accounts import issue_api_token
from workflow.db import unit_of_work
from workflow.models import AuditEvent
from workflow.org import load_organisation

PRIZE_TITLE = "Collecting a prize won in the Vistula Club draw"
PRIZE_FORM = {
    "id": "kb-loyalty-prizes-en",
    "title": PRIZE_TITLE,
    "language": "en",
    "topics": ["loyalty"],
    "keywords": "prize, earbuds, prize draw",
    "body": (
        "# Prizes\n\nPrizes of the Vistula Club draw are sent by courier within 14 days; "
        "collecting one in a store is possible with the text message we sent."
    ),
}


@pytest.fixture
def org_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "org"
    shutil.copytree(SAMPLES / "org", copy)
    return copy


@pytest.fixture
def app(settings: Settings, org_dir: Path) -> Iterator[App]:
    application = open_app(replace(settings, org_dir=org_dir, smtp=SMTP))
    add_people(application)
    yield application
    application.close()


@pytest.fixture
def client(app: App) -> TestClient:
    return client_for(app)


def _token(app: App, username: str) -> dict[str, str]:
    with unit_of_work(app.sessions) as session:
        token = issue_api_token(session, username, "kb test", actor="test")
    return {"Authorization": f"Bearer {token}"}


def test_an_admin_creates_an_article_on_the_page_and_it_is_filed_audited_and_in_force(
    client: TestClient, app: App, org_dir: Path
) -> None:
    csrf = sign_in(client, ADMIN)
    form = client.get("/admin/kb/new")
    assert form.status_code == 200
    assert 'name="topics" value="loyalty"' in form.text

    created = client.post("/admin/kb", data={"csrf_token": csrf, **PRIZE_FORM})
    assert created.status_code == 200
    assert "Article kb-loyalty-prizes-en (kb/kb-loyalty-prizes-en.md) created" in created.text
    # The file is what the loader reads, and the running app has the article already.
    (on_disk,) = [a for a in load_organisation(org_dir).articles if a.id == "kb-loyalty-prizes-en"]
    assert on_disk.title == PRIZE_TITLE
    assert on_disk.keywords == ("prize", "earbuds", "prize draw")
    assert on_disk.topics == ("loyalty",)
    assert on_disk.body.startswith("# Prizes")
    assert any(a.id == "kb-loyalty-prizes-en" for a in app.organisation.articles)
    with app.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "article created")
        ).one()
    assert event.actor == ADMIN
    assert event.entity_id == "kb/kb-loyalty-prizes-en.md"
    assert PRIZE_TITLE in event.detail["diff"]


def test_an_article_with_problems_shows_each_on_the_form_keeps_the_typed_values_writes_nothing(
    client: TestClient, org_dir: Path
) -> None:
    csrf = sign_in(client, ADMIN)
    before = sorted(p.name for p in (org_dir / "kb").iterdir())
    typed = {
        "id": "Prizes EN",
        "title": "Prizes & <draws>",
        "language": "de",
        "keywords": "prize, earbuds",
        "body": "Typed body that must survive",
    }
    refused = client.post("/admin/kb", data={"csrf_token": csrf, **typed})
    assert refused.status_code == 422
    assert "&#39;Prizes EN&#39; is not a valid id" in refused.text
    assert "&#39;de&#39; is not a language of the organisation (en, pl)" in refused.text
    assert "choose at least one topic the article answers" in refused.text
    assert 'value="Prizes EN"' in refused.text
    assert 'value="Prizes &amp; &lt;draws&gt;"' in refused.text
    assert 'value="prize, earbuds"' in refused.text
    assert "Typed body that must survive</textarea>" in refused.text

    taken = client.post(
        "/admin/kb", data={"csrf_token": csrf, **PRIZE_FORM, "id": "kb-billing-invoice-en"}
    )
    assert taken.status_code == 422
    assert "an article with id &#39;kb-billing-invoice-en&#39; exists already" in taken.text
    assert sorted(p.name for p in (org_dir / "kb").iterdir()) == before


def test_creating_an_article_without_the_csrf_token_is_refused(
    client: TestClient, org_dir: Path
) -> None:
    sign_in(client, ADMIN)
    refused = client.post("/admin/kb", data=PRIZE_FORM)
    assert refused.status_code == 403
    assert not (org_dir / "kb" / "kb-loyalty-prizes-en.md").exists()


@pytest.mark.parametrize("username", [SUPERVISOR, BILLING])
def test_who_is_not_an_admin_gets_403_creating_or_retiring_an_article(
    client: TestClient, app: App, org_dir: Path, username: str
) -> None:
    csrf = sign_in(client, username)
    assert client.get("/admin/kb/new").status_code == 403
    refused = client.post("/admin/kb", data={"csrf_token": csrf, **PRIZE_FORM})
    assert refused.status_code == 403
    retire = client.post(
        "/admin/kb/kb-billing-invoice-en/retired", data={"csrf_token": csrf, "retired": "true"}
    )
    assert retire.status_code == 403
    api = client.post(
        "/api/v1/articles",
        json={**PRIZE_FORM, "keywords": ["prize"]},
        headers=_token(app, username),
    )
    assert api.status_code == 403
    assert "this needs the admin role" in api.json()["detail"]
    assert not (org_dir / "kb" / "kb-loyalty-prizes-en.md").exists()
    assert "retired" not in (org_dir / "kb" / "duplicate-invoice-en.md").read_text()


def test_the_api_creates_lists_and_retires_an_article_and_names_the_problems_of_a_bad_one(
    client: TestClient, app: App, org_dir: Path
) -> None:
    headers = _token(app, ADMIN)
    body = {**PRIZE_FORM, "keywords": ["prize", "earbuds"]}
    created = client.post("/api/v1/articles", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["file"] == "kb/kb-loyalty-prizes-en.md"
    assert created.json()["retired"] is False

    bad = client.post(
        "/api/v1/articles",
        json={**body, "id": "kb-other", "topics": ["gardening"], "body": " "},
        headers=headers,
    )
    assert bad.status_code == 422
    assert "topics: unknown topic gardening" in bad.json()["detail"]
    assert "body: the article needs a body" in bad.json()["detail"]
    assert not (org_dir / "kb" / "kb-other.md").exists()

    retired = client.post(
        "/api/v1/articles/kb-loyalty-prizes-en/retired", json={"retired": True}, headers=headers
    )
    assert retired.status_code == 200
    listed = client.get("/api/v1/articles", headers=headers).json()
    states = {a["id"]: a["retired"] for a in listed}
    assert states["kb-loyalty-prizes-en"] is True
    assert states["kb-billing-invoice-en"] is False
    assert "retired: true" in (org_dir / "kb" / "kb-loyalty-prizes-en.md").read_text()
    again = client.post(
        "/api/v1/articles/kb-loyalty-prizes-en/retired", json={"retired": True}, headers=headers
    )
    assert again.status_code == 409
    assert client.post("/api/v1/articles", json=body).status_code == 401


def test_a_new_article_is_offered_in_the_next_acknowledgement_and_a_retired_one_no_more(
    client: TestClient, app: App, tmp_path: Path
) -> None:
    data = (SAMPLES / "email" / "en_loyalty_02.eml").read_bytes()
    run(app, variant(data, tmp_path, "before.eml", From="before@example.com"))
    assert PRIZE_TITLE not in outbox(app)[-1].body_text

    csrf = sign_in(client, ADMIN)
    client.post("/admin/kb", data={"csrf_token": csrf, **PRIZE_FORM})
    run(app, variant(data, tmp_path, "after.eml", From="after@example.com"))
    after = outbox(app)[-1]
    assert after.to_address == "after@example.com"
    assert f"1. {PRIZE_TITLE}" in after.body_text
    assert "Prizes of the Vistula Club draw are sent by courier" in after.body_text

    retired = client.post(
        "/admin/kb/kb-loyalty-prizes-en/retired", data={"csrf_token": csrf, "retired": "true"}
    )
    assert "Article kb-loyalty-prizes-en retired" in retired.text
    assert 'class="retired"' in client.get("/admin").text
    run(app, variant(data, tmp_path, "retired.eml", From="retired@example.com"))
    assert PRIZE_TITLE not in outbox(app)[-1].body_text
    # Still in the organisation for the acknowledgements that named it.
    assert any(a.id == "kb-loyalty-prizes-en" for a in app.organisation.articles)


def test_a_retired_mark_that_is_not_true_or_false_is_refused_with_its_line(
    client: TestClient, org_dir: Path
) -> None:
    path = org_dir / "kb" / "loyalty-points-en.md"
    before = path.read_text(encoding="utf-8")
    csrf = sign_in(client, ADMIN)
    broken = before.replace("---\n", "---\nretired: maybe\n", 1)
    refused = client.post(
        "/admin/kb/kb-loyalty-points-en", data={"csrf_token": csrf, "text": broken}
    )
    assert refused.status_code == 422
    assert "<strong>line 2</strong>" in refused.text
    assert "expected true or false" in refused.text
    assert path.read_text(encoding="utf-8") == before
