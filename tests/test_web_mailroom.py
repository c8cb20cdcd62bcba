"""The mailroom station on real scans: uploads become scan contacts listed with their stage, bad
files say why, the verification queue stores corrections and moves on, and only the mailroom
(with supervisors and admins) gets in."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from benchmarks.coupon_generator import CouponFactory
from intake import pipeline
from intake.app import App, open_app
from intake.channels.hot_folder import collect
from intake.config import Settings
from tests.conftest import SAMPLES, need_tesseract
from tests.test_ocr_unreadable import _minimal_pdf as minimal_pdf
from tests.test_ocr_unreadable import _png_header_only as png_header_only
from tests.web_support import (
    BILLING,
    MAILROOM,
    SUPERVISOR,
    add_people,
    browser_sign_in,
    chromium_page,
    client_for,
    live_intake,
    need_chromium,
    sign_in,
)
from workflow.accounts import issue_api_token
from workflow.db import unit_of_work
from workflow.models import Contact, ContactField, FieldStatus, Task, TaskKind

LETTER = SAMPLES / "scans" / "en_billing_letter_01.png"
TIFF_LETTER = SAMPLES / "scans" / "en_complaint_letter_01.tif"
COUPON = SAMPLES / "scans" / "pl_loyalty_coupon_01.jpg"
BATCH = SAMPLES / "batches" / "mailroom_batch_01.tif"


@pytest.fixture
def client(app: App) -> TestClient:
    add_people(app)
    return client_for(app)


@pytest.fixture
def unsure_app(settings: Settings) -> Iterator[App]:
    """A threshold no reading reaches, so every field of a coupon waits for a person."""
    application = open_app(replace(settings, field_confidence_threshold=1.01))
    add_people(application)
    yield application
    application.close()


def upload(client: TestClient, csrf: str, *files: tuple[str, bytes]) -> str:
    """Upload files at the station; returns the page the browser lands on."""
    response = client.post(
        "/mailroom/upload",
        data={"csrf_token": csrf},
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )
    assert response.status_code == 200, response.text
    return html.unescape(response.text)


def scan_contacts(app: App) -> list[Contact]:
    with app.sessions() as session:
        return list(session.scalars(select(Contact).where(Contact.channel == "scan")))


def test_an_uploaded_letter_becomes_a_scan_contact_listed_until_it_is_routed(
    client: TestClient, app: App
) -> None:
    need_tesseract()
    csrf = sign_in(client, MAILROOM)
    page = upload(client, csrf, (LETTER.name, LETTER.read_bytes()))
    (contact,) = scan_contacts(app)
    assert contact.source == f"mailroom upload by {MAILROOM}: {LETTER.name}"
    assert f"1 of 1 files stored; being read now. {LETTER.name} is contact {contact.id}." in page
    assert "being read" in page and f'href="/contacts/{contact.id}"' in page
    assert 'hx-get="/mailroom" hx-trigger="every 3s"' in page

    pipeline.process(app)
    page = client.get("/mailroom").text
    row = page[page.index(f'id="scan-{contact.id}"') :]
    assert ">routed" in row and "Billing and payments" in row
    # Nothing is on its way any more: the list stops asking for itself.
    assert "hx-trigger" not in page
    # HTMX polling gets the list alone, not the whole page.
    fragment = client.get("/mailroom", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment
    assert f'id="scan-{contact.id}"' in fragment


def truncated_tiff() -> bytes:
    data = TIFF_LETTER.read_bytes()
    return data[: len(data) // 3]


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("torn.tif", truncated_tiff, "torn.tif: "),
        ("locked.pdf", lambda: minimal_pdf(encrypted=True), "locked.pdf: "),
        ("bomb.png", lambda: png_header_only(40_000, 40_000), "bomb.png: "),
    ],
    ids=["truncated-tiff", "encrypted-pdf", "decompression-bomb"],
)
def test_a_bad_scan_is_listed_as_quarantined_with_its_reason(
    client: TestClient, app: App, name: str, make: Callable[[], bytes], reason: str
) -> None:
    csrf = sign_in(client, MAILROOM)
    page = upload(client, csrf, (name, make()))
    assert f"{name} is contact" in page

    pipeline.process(app)
    (contact,) = scan_contacts(app)
    assert contact.status == "quarantined" and contact.quarantine_reason
    assert contact.quarantine_reason.startswith(f"extract: {reason}")
    page = html.unescape(client.get("/mailroom").text)
    row = page[page.index(f'id="scan-{contact.id}"') :]
    assert "quarantined" in row and contact.quarantine_reason in row


def test_a_file_that_is_not_a_scan_or_is_empty_is_refused_with_its_reason(
    client: TestClient, app: App
) -> None:
    csrf = sign_in(client, MAILROOM)
    page = upload(client, csrf, ("minutes.docx", b"PK\x03\x04 not a scan"), ("blank.png", b""))
    assert "0 of 2 files stored" in page
    assert "minutes.docx was refused: not a scan ('.docx'" in page
    assert "blank.png was refused: the file is empty." in page
    assert scan_contacts(app) == []


def test_a_file_the_hot_folder_refused_is_listed_with_its_reason(
    client: TestClient, app: App
) -> None:
    inbox = app.settings.resolved_scanner_inbox
    inbox.mkdir(parents=True)
    (inbox / "minutes.docx").write_bytes(b"PK\x03\x04 a word document")
    (refusal,) = collect(app, inbox, settle_seconds=0)
    sign_in(client, MAILROOM)
    page = html.unescape(client.get("/mailroom").text)
    section = page[page.index("Files the hot folder could not take") :]
    assert "minutes.docx" in section and refusal.reason in section


def test_a_file_over_the_upload_limit_is_refused_and_not_stored(settings: Settings) -> None:
    app = open_app(replace(settings, scan_upload_max_bytes=1000))
    add_people(app)
    client = client_for(app)
    page = upload(client, sign_in(client, MAILROOM), (LETTER.name, LETTER.read_bytes()))
    assert f"{LETTER.name} was refused: larger than the upload limit" in page
    assert scan_contacts(app) == []
    app.close()


def test_a_scanned_batch_is_listed_as_one_batch_of_documents_and_a_repeat_is_not_stored(
    client: TestClient, app: App
) -> None:
    csrf = sign_in(client, MAILROOM)
    page = upload(client, csrf, (BATCH.name, BATCH.read_bytes()))
    contacts = scan_contacts(app)
    assert len(contacts) == 3
    assert f"{BATCH.name} was split into 3 contacts" in page
    head = re.search(r'<tr class="batch-head">.*?</tr>', page, re.S)
    assert head and BATCH.name in head.group(0) and "3 documents" in head.group(0)
    assert "separator sheets" in head.group(0)

    again = upload(client, csrf, ("rescan.tif", BATCH.read_bytes()))
    assert "rescan.tif was received before" in again
    assert len(scan_contacts(app)) == 3


def test_a_correction_is_stored_and_the_next_field_appears_at_once(unsure_app: App) -> None:
    need_tesseract()
    app = unsure_app
    client = client_for(app)
    csrf = sign_in(client, MAILROOM)
    upload(client, csrf, (COUPON.name, COUPON.read_bytes()))
    pipeline.process(app)
    with app.sessions() as session:
        waiting = list(
            session.scalars(
                select(ContactField)
                .where(ContactField.status == FieldStatus.NEEDS_VERIFICATION)
                .order_by(ContactField.id)
            )
        )
    first, second = waiting[0], waiting[1]

    page = html.unescape(client.get("/mailroom/verify").text)
    assert f"{len(waiting)} fields wait in 1 contact." in page
    assert f'src="/mailroom/fields/{first.id}/crop"' in page
    assert f"Accept “{first.value}”" in page
    crop = client.get(f"/mailroom/fields/{first.id}/crop")
    assert crop.status_code == 200 and crop.content.startswith(b"\x89PNG")

    # Skipping shows the next field without changing the one skipped.
    skipped = client.get(f"/mailroom/verify?after={first.id}", headers={"HX-Request": "true"})
    assert f'action="/mailroom/verify/{second.id}"' in skipped.text

    # A correction typed and sent with Enter: stored, and the next field swapped in.
    swapped = client.post(
        f"/mailroom/verify/{first.id}",
        data={"csrf_token": csrf, "value": "  WRONG-READ CORRECTED "},
        headers={"HX-Request": "true"},
    )
    panel = html.unescape(swapped.text)
    assert swapped.status_code == 200 and "<html" not in panel
    label = first.name.replace("_", " ").capitalize()
    assert f"{label} corrected to “WRONG-READ CORRECTED”." in panel
    assert f'action="/mailroom/verify/{second.id}"' in panel
    assert f"{len(waiting) - 1} fields wait" in panel
    with app.sessions() as session:
        stored = session.get_one(ContactField, first.id)
        assert (stored.value, stored.status, stored.verified_by) == (
            "WRONG-READ CORRECTED",
            FieldStatus.CORRECTED,
            MAILROOM,
        )

    # Another system verifies through the REST API, with the same rules.
    with unit_of_work(app.sessions) as session:
        token = issue_api_token(session, MAILROOM, "scanner station", "test")
    by_api = client.post(
        f"/api/v1/mailroom/fields/{second.id}/verify",
        json={"value": None},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert by_api.status_code == 200, by_api.text
    assert by_api.json()["corrected"] is False

    # The rest accepted without HTMX: each answer redirects to the next field.
    for field in waiting[2:]:
        response = client.post(
            f"/mailroom/verify/{field.id}", data={"csrf_token": csrf}, follow_redirects=False
        )
        assert response.status_code == 303
        assert response.headers["location"].startswith(f"/mailroom/verify?after={field.id}")
    last = html.unescape(client.get(response.headers["location"]).text)
    assert "its task is done" in last and "No field waits for verification" in last
    with app.sessions() as session:
        task = session.scalars(select(Task).where(Task.kind == TaskKind.VERIFY)).one()
        assert task.status == "done"
        statuses = {f.status for f in session.scalars(select(ContactField))}
        assert statuses == {FieldStatus.CORRECTED, FieldStatus.VERIFIED}

    # Verifying a field a second time (a colleague was quicker) says so, without an error page.
    again = client.post(
        f"/mailroom/verify/{first.id}", data={"csrf_token": csrf}, headers={"HX-Request": "true"}
    )
    assert again.status_code == 200 and "was verified already" in again.text


def test_the_api_takes_a_batch_and_lists_it_for_the_mailroom_only(
    client: TestClient, app: App
) -> None:
    with unit_of_work(app.sessions) as session:
        mailroom_token = issue_api_token(session, MAILROOM, "scanner station", "test")
        billing_token = issue_api_token(session, BILLING, "crm", "test")
    station = {"Authorization": f"Bearer {mailroom_token}"}
    stored = client.post(
        "/api/v1/mailroom/uploads",
        headers=station,
        files=[("files", (BATCH.name, BATCH.read_bytes(), "image/tiff"))],
    )
    assert stored.status_code == 200, stored.text
    (result,) = stored.json()
    assert result["outcome"] == "stored" and len(result["contact_ids"]) == 3
    scans = client.get("/api/v1/mailroom/scans", headers=station).json()
    (batch,) = scans["batches"]
    assert batch["filename"] == BATCH.name
    assert [row["contact_id"] for row in batch["rows"]] == result["contact_ids"]
    assert {row["stage"] for row in batch["rows"]} == {"received"}

    outsider = {"Authorization": f"Bearer {billing_token}"}
    assert client.get("/api/v1/mailroom/scans", headers=outsider).status_code == 403
    assert client.get("/api/v1/mailroom/fields/next", headers=outsider).status_code == 403
    assert client.get("/api/v1/mailroom/fields/1/crop", headers=outsider).status_code == 403


def test_a_back_office_user_is_refused_the_station_and_the_crops(
    client: TestClient, app: App
) -> None:
    csrf = sign_in(client, BILLING)
    for path in ("/mailroom", "/mailroom/verify", "/mailroom/fields/1/crop"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "this needs the mailroom or supervisor role" in html.unescape(response.text)
    refused = client.post(
        "/mailroom/upload",
        data={"csrf_token": csrf},
        files=[("files", (LETTER.name, LETTER.read_bytes(), "image/png"))],
    )
    assert refused.status_code == 403
    assert client.post("/mailroom/verify/1", data={"csrf_token": csrf}).status_code == 403
    assert scan_contacts(app) == []


def test_a_supervisor_may_use_the_station(client: TestClient) -> None:
    sign_in(client, SUPERVISOR)
    page = client.get("/mailroom").text
    assert "No scans yet" in page
    assert "No field waits for verification" in client.get("/mailroom/verify").text


def test_an_upload_without_the_csrf_token_is_refused(client: TestClient, app: App) -> None:
    sign_in(client, MAILROOM)
    response = client.post(
        "/mailroom/upload", files=[("files", (LETTER.name, LETTER.read_bytes(), "image/png"))]
    )
    assert response.status_code == 403
    assert scan_contacts(app) == []


SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def misaddressed_coupon(folder: Path) -> Path:
    """A generated Polish coupon whose postcode does not belong to its town: the reader
    suggests the town's real postcodes."""
    coupon = CouponFactory(seed=3).make(1, written={"postcode": "00-000"})
    assert coupon.template == "coupon_pl" and coupon.expected["postcode"] == "48-300"
    path = folder / "coupon-00-000.jpg"
    path.write_bytes(coupon.jpeg)
    return path


@pytest.mark.slow
def test_in_a_browser_a_coupon_is_uploaded_and_verified_with_the_keyboard_alone(
    app: App, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    need_chromium()
    add_people(app)
    coupon = misaddressed_coupon(tmp_path)
    torn = tmp_path / "torn.tif"
    torn.write_bytes(truncated_tiff())
    # Every field below 99.9% waits for a person: all but the ticked boxes.
    with (
        live_intake(app.settings.home, INTAKE_FIELD_CONFIDENCE_THRESHOLD="0.999") as server,
        chromium_page(server.url) as page,
    ):
        assert isinstance(page, Page)
        browser_sign_in(page, MAILROOM)
        expect(page.get_by_role("heading", name="Mailroom")).to_be_visible()
        page.get_by_label("Upload a scanned batch").set_input_files([str(coupon), str(torn)])
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_role("status").first).to_contain_text("2 of 2 files stored")
        # The list refreshes itself (HTMX) until the pipeline of `intake serve` is done.
        stage_of = page.locator("table.scans tr", has_text=coupon.name).locator("td.stage")
        expect(stage_of).to_have_text(re.compile(r"^\s*routed\s*$"), timeout=120_000)
        torn_stage = page.locator("table.scans tr", has_text=torn.name).locator("td.stage")
        expect(torn_stage).to_contain_text("quarantined")
        expect(torn_stage).to_contain_text("corrupt TIFF")
        page.screenshot(path=str(SCREENSHOTS / "mailroom.png"), full_page=True)

        page.get_by_role("link", name=re.compile("Verify fields")).click()
        panel = page.locator("#verify-panel")
        expect(panel.locator("h2")).to_contain_text("First name")
        expect(page.locator("img[alt$='field as scanned']")).to_be_visible()
        page.keyboard.press("Enter")  # accept the first name as read
        expect(panel.locator("h2")).to_contain_text("Last name")
        page.keyboard.press("Escape")  # skip the last name
        expect(panel.locator("h2")).to_contain_text("Street")
        page.keyboard.type("UL. OGRODOWA 87")  # the characters land in the correction box
        page.keyboard.press("Enter")
        expect(panel).to_contain_text("Street corrected to “UL. OGRODOWA 87”")
        expect(panel.locator("h2")).to_contain_text("Postcode")
        expect(panel.get_by_role("button", name="1 48-300")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "mailroom-verify.png"), full_page=True)
        page.keyboard.press("1")  # the first suggestion
        expect(panel).to_contain_text("Postcode corrected to “48-300”")

    with app.sessions() as session:
        fields = {f.name: f for f in session.scalars(select(ContactField))}
    assert fields["first_name"].status == FieldStatus.VERIFIED
    assert fields["last_name"].status == FieldStatus.NEEDS_VERIFICATION
    assert (fields["street"].status, fields["street"].value) == (
        FieldStatus.CORRECTED,
        "UL. OGRODOWA 87",
    )
    assert (fields["postcode"].status, fields["postcode"].value) == (
        FieldStatus.CORRECTED,
        "48-300",
    )
