"""Administration on the screens: the quarantine with its Retry, absences with substitutes,
rules and articles edited only when the organisation stays valid, accounts, who may do what,
and the contacts and cases API. The organisation is a temporary copy of samples/org."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intake import pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.config import Settings
from intake.services.admin import today_of
from tests.conftest import SAMPLES, SHARED_DATA, need_tesseract
from tests.web_support import (
    ADMIN,
    BILLING,
    CLAIMS,
    SUPERVISOR,
    add_people,
    browser_sign_in,
    chromium_page,
    client_for,
    csrf_of,
    live_intake,
    need_chromium,
    routed_email,
    sign_in,
)
from workflow.accounts import issue_api_token
from workflow.db import unit_of_work
from workflow.models import AuditEvent, Case, Contact, ContactStatus, Stage, Task
from workflow.org import load_organisation

PHOTOTEST = SHARED_DATA / "ocr" / "tesseract" / "phototest.tif"  # tesseract-ocr/test, Apache-2.0


@pytest.fixture
def org_dir(tmp_path: Path) -> Path:
    """A copy of the demo organisation the tests may change; samples/org stays untouched."""
    copy = tmp_path / "org"
    shutil.copytree(SAMPLES / "org", copy)
    return copy


@pytest.fixture
def app(settings: Settings, org_dir: Path) -> Iterator[App]:
    application = open_app(replace(settings, org_dir=org_dir))
    add_people(application)
    yield application
    application.close()


@pytest.fixture
def client(app: App) -> TestClient:
    return client_for(app)


def _quarantined_truncated_scan(app: App, folder: Path, keep: int = 3) -> int:
    """A real TIFF cut to 1/`keep` of its bytes (different cuts are different files),
    ingested and run through the real pipeline."""
    folder.mkdir(parents=True, exist_ok=True)
    scan = folder / "truncated-letter.tif"
    data = PHOTOTEST.read_bytes()
    scan.write_bytes(data[: len(data) // keep])
    (received,) = ingest_paths(app, [scan])
    assert received.contact_id is not None
    report = pipeline.process(app)
    assert report.count(pipeline.Result.QUARANTINED) == 1
    return received.contact_id


def _contact(app: App, contact_id: int) -> Contact:
    with app.sessions() as session:
        return session.get_one(Contact, contact_id)


# --- quarantine -----------------------------------------------------------------------------


def test_a_truncated_scan_is_listed_in_the_quarantine_with_its_reason(
    client: TestClient, app: App, tmp_path: Path
) -> None:
    need_tesseract()
    contact_id = _quarantined_truncated_scan(app, tmp_path / "scans")
    reason = _contact(app, contact_id).quarantine_reason or ""
    assert "truncated-letter.tif" in reason

    sign_in(client, ADMIN)
    page = client.get("/admin/quarantine")
    assert page.status_code == 200
    assert f'id="contact-{contact_id}"' in page.text
    assert "truncated-letter.tif" in page.text
    assert "corrupt" in reason and "corrupt" in page.text
    document_id = re.search(r'href="/documents/(\d+)" download', page.text)
    assert document_id, "the original is offered for download"
    original = client.get(f"/documents/{document_id.group(1)}")
    assert original.status_code == 200
    assert original.content == (tmp_path / "scans" / "truncated-letter.tif").read_bytes()


def test_retry_puts_the_selected_contact_back_into_the_pipeline(
    client: TestClient, app: App, tmp_path: Path
) -> None:
    need_tesseract()
    contact_id = _quarantined_truncated_scan(app, tmp_path / "scans")
    csrf = sign_in(client, ADMIN)

    page = client.post("/admin/quarantine/retry", data={"csrf_token": csrf, "contact": contact_id})

    assert page.status_code == 200
    assert f"Back in the pipeline: contact {contact_id}." in page.text
    assert f'id="contact-{contact_id}"' not in page.text
    contact = _contact(app, contact_id)
    assert (contact.status, contact.stage, contact.attempts) == (
        ContactStatus.ACTIVE,
        Stage.RECEIVED,
        0,
    )
    with app.sessions() as session:
        released = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == str(contact_id), AuditEvent.action == "released"
            )
        ).one()
        assert released.actor == ADMIN
    # The pipeline takes it again on its next pass (and, the file being still cut short,
    # quarantines it again with the same reason).
    again = pipeline.process(app)
    assert [o.contact_id for o in again.outcomes] == [contact_id]


def test_the_retry_button_of_one_row_retries_only_that_contact(
    client: TestClient, app: App, tmp_path: Path
) -> None:
    need_tesseract()
    first = _quarantined_truncated_scan(app, tmp_path / "one")
    second = _quarantined_truncated_scan(app, tmp_path / "two", keep=4)
    csrf = sign_in(client, ADMIN)
    client.post(f"/admin/quarantine/{second}/retry", data={"csrf_token": csrf})
    assert _contact(app, first).status == ContactStatus.QUARANTINED
    assert _contact(app, second).status == ContactStatus.ACTIVE


def test_a_supervisor_sees_the_quarantine_but_cannot_retry(
    client: TestClient, app: App, tmp_path: Path
) -> None:
    need_tesseract()
    contact_id = _quarantined_truncated_scan(app, tmp_path / "scans")
    csrf = sign_in(client, SUPERVISOR)
    page = client.get("/admin/quarantine")
    assert page.status_code == 200 and f'id="contact-{contact_id}"' in page.text
    assert "Retry" not in page.text
    refused = client.post(
        "/admin/quarantine/retry", data={"csrf_token": csrf, "contact": contact_id}
    )
    assert refused.status_code == 403
    assert _contact(app, contact_id).status == ContactStatus.QUARANTINED


def test_an_empty_quarantine_says_so(client: TestClient) -> None:
    sign_in(client, ADMIN)
    assert "The quarantine is empty" in client.get("/admin/quarantine").text


# --- the organisation -------------------------------------------------------------------------


def test_the_organisation_page_shows_units_agents_absences_and_articles(
    client: TestClient,
) -> None:
    sign_in(client, ADMIN)
    page = client.get("/admin").text
    assert "Claims" in page and "claims-large" in page  # a unit and its backup
    assert "Grażyna Grabowska" in page and "washing-machine" in page  # an agent and a skill
    assert "t.lewandowski" in page  # a substitute
    assert 'href="/admin/kb/kb-billing-invoice-en"' in page


def test_an_absence_added_on_the_screen_lands_in_the_file_and_moves_the_tasks(
    client: TestClient, app: App, org_dir: Path, tmp_path: Path
) -> None:
    samples_before = (SAMPLES / "org" / "absences.yaml").read_bytes()
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    with unit_of_work(app.sessions) as session:
        task = session.scalars(select(Task).where(Task.contact_id == contact_id)).one()
        task.assignee = "g.grabowska"
        task_id = task.id
    today = today_of(app.organisation)
    csrf = sign_in(client, ADMIN)

    page = client.post(
        "/admin/absences",
        data={
            "csrf_token": csrf,
            "agent": "g.grabowska",
            "substitute": "t.lewandowski",
            "starts": today.isoformat(),
            "ends": (today + timedelta(days=3)).isoformat(),
            "reason": "training",
        },
    )

    assert page.status_code == 200
    assert "1 open task went to the substitute" in page.text
    written = (org_dir / "absences.yaml").read_text(encoding="utf-8")
    assert "{agent: g.grabowska, from: " + today.isoformat() in written
    assert written.startswith("# Agents away")  # the file's comments are kept
    on_disk = load_organisation(org_dir).absence_of("g.grabowska", today)
    assert on_disk is not None and on_disk.substitute == "t.lewandowski"
    assert app.organisation.absence_of("g.grabowska", today) == on_disk
    with app.sessions() as session:
        assert session.get_one(Task, task_id).assignee == "t.lewandowski"
    assert (SAMPLES / "org" / "absences.yaml").read_bytes() == samples_before


def test_ending_an_absence_that_started_today_removes_it(
    client: TestClient, app: App, org_dir: Path
) -> None:
    today = today_of(app.organisation).isoformat()
    csrf = sign_in(client, ADMIN)
    absence = {"agent": "e.szymanska", "substitute": "t.lewandowski", "starts": today}
    client.post("/admin/absences", data={"csrf_token": csrf, "ends": today, **absence})
    assert "agent: e.szymanska" in (org_dir / "absences.yaml").read_text()

    page = client.post(
        "/admin/absences/end",
        data={"csrf_token": csrf, "agent": "e.szymanska", "starts": today},
    )

    assert "is cancelled" in page.text
    assert "e.szymanska" not in (org_dir / "absences.yaml").read_text()
    assert app.organisation.absence_of("e.szymanska", today_of(app.organisation)) is None


def test_an_absence_with_an_unknown_substitute_is_refused_and_nothing_written(
    client: TestClient, org_dir: Path
) -> None:
    before = (org_dir / "absences.yaml").read_bytes()
    csrf = sign_in(client, ADMIN)
    page = client.post(
        "/admin/absences",
        data={
            "csrf_token": csrf,
            "agent": "e.szymanska",
            "substitute": "nobody.here",
            "starts": "2099-01-01",
            "ends": "2099-01-02",
        },
    )
    assert page.status_code == 409
    assert "the substitute &#39;nobody.here&#39; is not an agent" in page.text
    assert (org_dir / "absences.yaml").read_bytes() == before


def test_a_broken_rules_edit_is_refused_with_its_line_and_the_file_is_unchanged(
    client: TestClient, app: App, org_dir: Path
) -> None:
    before = (org_dir / "rules.yaml").read_text(encoding="utf-8")
    lines = before.splitlines()
    broken_line = lines.index("      unit: complaints") + 1
    broken = before.replace("      unit: complaints", "      unit: nowhere", 1)
    sign_in(client, ADMIN)
    editor = client.get("/admin/rules").text
    version = re.search(r'name="version" value="([0-9a-f]+)"', editor)
    assert version

    page = client.post(
        "/admin/rules",
        data={"csrf_token": csrf_of(editor), "version": version.group(1), "text": broken},
    )

    assert page.status_code == 422
    assert f"line {broken_line}" in page.text
    assert "nowhere" in page.text and "rules.yaml" in page.text
    assert "unit: nowhere" in page.text  # the text is kept for fixing
    assert (org_dir / "rules.yaml").read_text(encoding="utf-8") == before
    assert app.organisation.rules[0].then.unit == "complaints"


def test_a_rules_edit_with_a_yaml_syntax_error_names_its_line(
    client: TestClient, org_dir: Path
) -> None:
    before = (org_dir / "rules.yaml").read_text(encoding="utf-8")
    csrf = sign_in(client, ADMIN)
    page = client.post("/admin/rules", data={"csrf_token": csrf, "text": "rules:\n  - [oops\n"})
    assert page.status_code == 422
    assert re.search(r"rules\.yaml</code>, <strong>line \d+</strong>", page.text)
    assert (org_dir / "rules.yaml").read_text(encoding="utf-8") == before


def test_a_valid_rules_edit_is_saved_audited_and_in_force(
    client: TestClient, app: App, org_dir: Path
) -> None:
    before = (org_dir / "rules.yaml").read_text(encoding="utf-8")
    changed = before.replace("      priority: 1\n", "      priority: 2\n", 1)
    csrf = sign_in(client, ADMIN)
    page = client.post("/admin/rules", data={"csrf_token": csrf, "text": changed})
    assert page.status_code == 200
    assert "rules.yaml saved: 8 rules" in page.text
    assert (org_dir / "rules.yaml").read_text(encoding="utf-8") == changed
    assert app.organisation.rules[0].then.priority == 2
    with app.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "rules saved")).one()
    assert event.actor == ADMIN and "+      priority: 2" in event.detail["diff"]


def test_a_rules_editor_opened_before_another_save_does_not_overwrite_it(
    client: TestClient, org_dir: Path
) -> None:
    sign_in(client, ADMIN)
    editor = client.get("/admin/rules").text
    version = re.search(r'name="version" value="([0-9a-f]+)"', editor)
    assert version
    (org_dir / "rules.yaml").write_text(
        (org_dir / "rules.yaml").read_text() + "\n# edited meanwhile\n"
    )
    stale = client.post(
        "/admin/rules",
        data={"csrf_token": csrf_of(editor), "version": version.group(1), "text": "rules: []\n"},
    )
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text
    assert "# edited meanwhile" in (org_dir / "rules.yaml").read_text()


def test_a_kb_article_is_edited_and_a_broken_front_matter_refused(
    client: TestClient, app: App, org_dir: Path
) -> None:
    path = org_dir / "kb" / "duplicate-invoice-en.md"
    before = path.read_text(encoding="utf-8")
    csrf = sign_in(client, ADMIN)
    assert "double charge" in client.get("/admin/kb/kb-billing-invoice-en").text

    edited = before.replace("within one business day", "within two business days")
    saved = client.post(
        "/admin/kb/kb-billing-invoice-en", data={"csrf_token": csrf, "text": edited}
    )
    assert "Article kb-billing-invoice-en (kb/duplicate-invoice-en.md) saved." in saved.text
    assert "within two business days" in path.read_text(encoding="utf-8")
    (article,) = [a for a in app.organisation.articles if a.id == "kb-billing-invoice-en"]
    assert "within two business days" in article.body

    broken = edited.replace("language: en", "language: xx")
    refused = client.post(
        "/admin/kb/kb-billing-invoice-en", data={"csrf_token": csrf, "text": broken}
    )
    assert refused.status_code == 422
    assert "kb/duplicate-invoice-en.md</code>, <strong>line 4</strong>" in refused.text
    assert "within two business days" in path.read_text(encoding="utf-8")
    assert "language: en" in path.read_text(encoding="utf-8")


# --- who may do what ----------------------------------------------------------------------------


def test_a_back_office_user_gets_403_on_every_administration_page_and_form(
    client: TestClient, org_dir: Path
) -> None:
    csrf = sign_in(client, BILLING)
    for path in ("/admin", "/admin/rules", "/admin/users", "/admin/quarantine"):
        assert client.get(path).status_code == 403, path
    before = (org_dir / "rules.yaml").read_bytes()
    refused = client.post("/admin/rules", data={"csrf_token": csrf, "text": "rules: []\n"})
    assert refused.status_code == 403
    assert "this needs the admin role" in refused.text
    assert (org_dir / "rules.yaml").read_bytes() == before


def test_a_supervisor_reads_the_organisation_but_cannot_change_it(
    client: TestClient, org_dir: Path
) -> None:
    csrf = sign_in(client, SUPERVISOR)
    page = client.get("/admin")
    assert page.status_code == 200
    assert "Add absence" not in page.text
    assert "readonly" in client.get("/admin/rules").text
    before = (org_dir / "absences.yaml").read_bytes()
    refused = client.post(
        "/admin/absences",
        data={
            "csrf_token": csrf,
            "agent": "e.szymanska",
            "substitute": "t.lewandowski",
            "starts": "2099-01-01",
            "ends": "2099-01-02",
        },
    )
    assert refused.status_code == 403
    assert (org_dir / "absences.yaml").read_bytes() == before


# --- accounts -----------------------------------------------------------------------------------


def test_an_admin_creates_disables_and_resets_an_account(client: TestClient) -> None:
    csrf = sign_in(client, ADMIN)
    created = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "n.nowicka",
            "display_name": "Natalia Nowicka",
            "role": "backoffice",
            "units": "billing claims",
            "agent_id": "",
            "password": "first-password",
        },
    )
    assert "Account n.nowicka (backoffice) created." in created.text

    newcomer = client_for(client.app.state.intake)  # type: ignore[attr-defined]
    sign_in(newcomer, "n.nowicka", "first-password")
    assert newcomer.get("/tasks?unit=claims").status_code == 200

    client.post("/admin/users/n.nowicka/active", data={"csrf_token": csrf, "active": "false"})
    assert newcomer.get("/tasks", follow_redirects=False).status_code == 303  # signed out
    refused = newcomer.post("/signin", data={"username": "n.nowicka", "password": "first-password"})
    assert refused.status_code == 401

    client.post("/admin/users/n.nowicka/active", data={"csrf_token": csrf, "active": "true"})
    reset = client.post(
        "/admin/users/n.nowicka/password",
        data={"csrf_token": csrf, "password": "second-password"},
    )
    assert "New password set for n.nowicka" in reset.text
    sign_in(newcomer, "n.nowicka", "second-password")


def test_an_account_for_an_unknown_unit_is_refused(client: TestClient) -> None:
    csrf = sign_in(client, ADMIN)
    refused = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "x.y",
            "display_name": "X Y",
            "role": "backoffice",
            "units": "atlantis",
            "password": "long-enough",
        },
    )
    assert refused.status_code == 409
    assert "no unit atlantis" in refused.text


def test_an_admin_cannot_disable_their_own_account(client: TestClient) -> None:
    csrf = sign_in(client, ADMIN)
    refused = client.post("/admin/users/admin/active", data={"csrf_token": csrf, "active": "false"})
    assert refused.status_code == 409


# --- the contacts and cases API -----------------------------------------------------------------


def _tokens(app: App, *usernames: str) -> dict[str, dict[str, str]]:
    with unit_of_work(app.sessions) as session:
        return {
            name: {"Authorization": f"Bearer {issue_api_token(session, name, 'crm', 'test')}"}
            for name in usernames
        }


def test_the_contacts_api_lists_what_the_tokens_user_may_see(
    client: TestClient, app: App, tmp_path: Path
) -> None:
    claim = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    billing = routed_email(app, tmp_path / "mail", "en_billing_01.eml")
    tokens = _tokens(app, CLAIMS, BILLING, SUPERVISOR)

    def ids(user: str, query: str = "") -> list[int]:
        response = client.get(f"/api/v1/contacts{query}", headers=tokens[user])
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["contacts"]]

    assert ids(CLAIMS) == [claim]
    assert ids(BILLING) == [billing]
    assert ids(SUPERVISOR) == [billing, claim]
    assert ids(SUPERVISOR, "?topic=claim") == [claim]
    assert ids(SUPERVISOR, "?unit=billing") == [billing]
    assert ids(SUPERVISOR, "?since=2999-01-01T00:00:00") == []
    first = client.get("/api/v1/contacts?limit=1", headers=tokens[SUPERVISOR]).json()
    assert [c["id"] for c in first["contacts"]] == [billing]
    assert ids(SUPERVISOR, f"?limit=1&before={first['next_before']}") == [claim]
    refused = client.get("/api/v1/contacts?unit=claims", headers=tokens[BILLING])
    assert refused.status_code == 403
    assert client.get("/api/v1/contacts").status_code == 401


def test_the_cases_api_returns_a_case_only_to_who_may_see_it(
    client: TestClient, app: App, tmp_path: Path
) -> None:
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    with app.sessions() as session:
        case = session.get_one(Case, _contact(app, contact_id).case_id)
        reference = case.reference
    assert reference
    tokens = _tokens(app, CLAIMS, BILLING)
    own = client.get(f"/api/v1/cases/{reference}", headers=tokens[CLAIMS])
    assert own.status_code == 200
    assert own.json()["reference"] == reference
    assert own.json()["contact_ids"] == [contact_id]
    assert client.get(f"/api/v1/cases/{reference}", headers=tokens[BILLING]).status_code == 403
    assert client.get("/api/v1/cases/NO-SUCH", headers=tokens[CLAIMS]).status_code == 404


# --- in a browser -------------------------------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.mark.slow
def test_in_a_browser_an_admin_adds_an_absence_reads_the_rules_and_retries_the_quarantine(
    app: App, org_dir: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    need_chromium()
    contact_id = _quarantined_truncated_scan(app, tmp_path / "scans")
    today = today_of(app.organisation)
    with (
        live_intake(app.settings.home, INTAKE_ORG_DIR=str(org_dir)) as server,
        chromium_page(server.url) as page,
    ):
        assert isinstance(page, Page)
        browser_sign_in(page, ADMIN)
        expect(page.get_by_role("heading", name=re.compile("Administration of"))).to_be_visible()
        page.get_by_label("Agent away").select_option("o.smith")
        page.get_by_label("From").fill(today.isoformat())
        page.get_by_label("To (included)").fill((today + timedelta(days=2)).isoformat())
        page.get_by_label("Substitute").select_option("m.dabrowski")
        page.get_by_label("Reason").fill("conference")
        page.get_by_role("button", name="Add absence").click()
        expect(page.get_by_role("status")).to_contain_text("o.smith is away from")
        assert "agent: o.smith" in (org_dir / "absences.yaml").read_text(encoding="utf-8")
        page.screenshot(path=str(SCREENSHOTS / "admin.png"), full_page=True)

        page.get_by_role("link", name="Routing rules").click()
        expect(page.locator(".valid")).to_contain_text("8 rules")
        page.screenshot(path=str(SCREENSHOTS / "admin-rules.png"))

        page.get_by_role("link", name="Accounts").click()
        expect(page.get_by_role("heading", name="New account")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "admin-users.png"), full_page=True)

        page.get_by_role("link", name="Quarantine").click()
        row = page.locator(f"#contact-{contact_id}")
        expect(row).to_contain_text("truncated-letter.tif")
        page.screenshot(path=str(SCREENSHOTS / "admin-quarantine.png"), full_page=True)
        row.get_by_role("button", name="Retry").click()
        # The serve's pipeline takes it at once (and quarantines the cut file again).
        expect(page.get_by_role("status")).to_contain_text(
            f"Back in the pipeline: contact {contact_id}."
        )
