"""The whole story in a real browser against a live `intake serve`: a letter scanned in the
mailroom reaches the back office of its unit, is answered there, becomes a callback the agent
makes, and the supervisor's dashboard follows every step; a member of another unit can reach
none of it, by URL or through the API."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from intake.app import App
from tests.conftest import SAMPLES
from tests.web_support import (
    AGENT,
    BILLING,
    CLAIMS,
    MAILROOM,
    SUPERVISOR,
    add_people,
    browser_sign_in,
    chromium_page,
    live_intake,
    need_chromium,
)
from workflow.accounts import issue_api_token
from workflow.db import unit_of_work
from workflow.models import CallbackAttempt, Case, CaseStatus, Task, TaskKind

LETTER = SAMPLES / "scans" / "en_billing_letter_01.png"  # the manifest routes it to billing
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.mark.slow
def test_a_scanned_letter_goes_from_the_mailroom_to_an_answer_and_a_callback(app: App) -> None:
    from playwright.sync_api import Page, expect

    need_chromium()
    add_people(app)
    with unit_of_work(app.sessions) as session:
        outsider_token = issue_api_token(session, CLAIMS, "journey", "test")

    with live_intake(app.settings.home) as server, chromium_page(server.url) as board:
        assert isinstance(board, Page) and board.context.browser is not None

        def person(username: str) -> Page:
            # Each person in their own browser context: their own session cookie.
            page = board.context.browser.new_context(  # type: ignore[union-attr]
                base_url=server.url, viewport={"width": 1280, "height": 900}
            ).new_page()
            page.set_default_timeout(20_000)
            browser_sign_in(page, username)
            return page

        browser_sign_in(board, SUPERVISOR)
        billing_queue = board.locator("#unit-billing td.queue")
        callcentre_queue = board.locator("#unit-callcentre td.queue")
        expect(billing_queue).to_have_text("0")
        expect(callcentre_queue).to_have_text("0")

        mailroom = person(MAILROOM)
        mailroom.locator("#scan-files").set_input_files(str(LETTER))
        mailroom.get_by_role("button", name="Upload", exact=True).click()
        expect(mailroom.locator("#scans")).to_contain_text(LETTER.name)
        # OCR, classification and routing run in `intake serve`; the list follows by itself.
        expect(mailroom.locator("#scans td.stage").first).to_contain_text("routed", timeout=180_000)
        expect(mailroom.locator("#scans")).to_contain_text("Billing")
        expect(billing_queue).to_have_text("1", timeout=30_000)

        back_office = person(BILLING)
        back_office.goto("/tasks?unit=billing")
        back_office.locator("table.tasks tbody a").first.click()
        task_id = int(re.search(r"/tasks/(\d+)", back_office.url).group(1))  # type: ignore[union-attr]
        expect(back_office.locator("article.contact")).to_contain_text("Why it was routed here")
        back_office.get_by_role("button", name="Claim", exact=True).click()
        expect(back_office.get_by_role("status")).to_contain_text("the task is yours")
        back_office.get_by_label("Answer to the customer").fill(
            "Dear customer, we have corrected your invoice; the refund follows within 5 days."
        )
        back_office.get_by_label("letter (recorded as sent)").check()
        back_office.screenshot(path=str(SCREENSHOTS / "task.png"), full_page=True)
        back_office.get_by_role("button", name="Send answer").click()
        expect(back_office.get_by_role("status")).to_contain_text("answered by letter")
        expect(back_office.get_by_role("status")).to_contain_text("callback task")
        expect(billing_queue).to_have_text("0", timeout=30_000)
        expect(callcentre_queue).to_have_text("1", timeout=30_000)

        outsider = person(CLAIMS)
        outsider.goto(f"/tasks/{task_id}")
        expect(outsider.get_by_role("heading", name="Not yours to see")).to_be_visible()
        api = httpx.get(
            f"{server.url}/api/v1/tasks/{task_id}",
            headers={"Authorization": f"Bearer {outsider_token}"},
        )
        assert api.status_code == 403

        agent = person(AGENT)
        agent.locator("#callback-rows a").first.click()
        agent.get_by_role("button", name=re.compile("Claim and call")).click()
        expect(agent.get_by_role("status")).to_contain_text("the callback is yours")
        expect(agent.locator("body")).to_contain_text("we have corrected your invoice")
        agent.get_by_label("Note on this call (optional)").fill("customer thanked us")
        agent.get_by_role("button", name=re.compile("Reached")).click()
        expect(agent.get_by_role("status")).to_contain_text("closed")
        expect(callcentre_queue).to_have_text("0", timeout=30_000)

    with app.sessions() as session:
        task = session.get_one(Task, task_id)
        case = session.get_one(Case, task.case_id)
        assert case.unit == "billing" and case.status == CaseStatus.CLOSED
        callback = session.scalars(
            select(Task).where(Task.case_id == case.id, Task.kind == TaskKind.CALLBACK)
        ).one()
        (call,) = session.scalars(
            select(CallbackAttempt).where(CallbackAttempt.task_id == callback.id)
        ).all()
        assert (call.agent, call.outcome, call.note) == (AGENT, "reached", "customer thanked us")
