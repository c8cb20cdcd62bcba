"""Through the real pipeline: noise is recorded without a case, a bounce marks the customer's
address undeliverable, and `intake mail noise` lists both."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.app import App, open_app
from intake.config import Settings
from intake.config_mail import SmtpSettings
from tests.cli_runner import run_intake
from tests.conftest import SHARED_DATA
from tests.mail_delivery import deliver, record_sent_acknowledgement
from workflow.db import unit_of_work
from workflow.directory import sync_organisation
from workflow.models import Case, Customer, DeliveryFailure, Task

MIME = SHARED_DATA / "mime"


def customer_mail(sender: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "service@vistula.example"
    message["Subject"] = "Refund for order ORD-5531907"
    message["Message-ID"] = message_id
    message.set_content("The TV I ordered arrived broken. Please refund my money.")
    return message.as_bytes()


def out_of_office_reply() -> bytes:
    message = EmailMessage()
    message["From"] = "Jan Nowak <jan.nowak@example.pl>"
    message["To"] = "service@vistula.example"
    message["Subject"] = "Automatic reply: Your request [C-000001]"
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content("I am out of the office until 3 March with limited access to email.")
    return message.as_bytes()


def count(app: App, model: type) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_out_of_office_reply_opens_no_case_and_is_recorded_as_noise(
    app: App, mailbox: Path
) -> None:
    contact = deliver(app, mailbox, out_of_office_reply())
    assert contact.noise == "auto-reply"
    assert contact.case_id is None
    assert contact.text.startswith("I am out of the office")
    assert (count(app, Case), count(app, Task), count(app, Customer)) == (0, 0, 0)


def test_a_bounce_of_our_acknowledgement_marks_the_customer_undeliverable(
    app: App, mailbox: Path
) -> None:
    # The AOL customer wrote to us; our acknowledgement to them bounced (mailbox full).
    first = deliver(app, mailbox, customer_mail("user@aol.com", "<q1@aol.com>"))
    record_sent_acknowledgement(app, first, "user@aol.com", "<4E326A95.3010907@example.com>")

    bounce = deliver(app, mailbox, (MIME / "flanker__bounce_mailbox-full.eml").read_bytes())

    assert (bounce.noise, bounce.case_id, bounce.auto_submitted) == ("delivery-report", None, True)
    with app.sessions() as session:
        failure = session.scalars(select(DeliveryFailure)).one()
        assert (failure.address, failure.action, failure.status) == (
            "user@aol.com",
            "failed",
            "5.2.2",
        )
        assert failure.original_message_id == "<4E326A95.3010907@example.com>"
        assert failure.report_contact_id == bounce.id
        assert "MAILBOX FULL" in failure.diagnostic
        customer = session.scalars(select(Customer).where(Customer.email == "user@aol.com")).one()
        assert customer.email_undeliverable_at is not None
    assert count(app, Case) == 1


def test_a_delayed_delivery_does_not_mark_the_customer(app: App, mailbox: Path) -> None:
    deliver(app, mailbox, customer_mail("user@example.com", "<q2@example.com>"))
    deliver(app, mailbox, (MIME / "flanker__bounce_no-mx.eml").read_bytes())
    with app.sessions() as session:
        failure = session.scalars(select(DeliveryFailure)).one()
        assert (failure.address, failure.action) == ("user@example.com", "delayed")
        customer = session.scalars(select(Customer)).one()
        assert customer.email_undeliverable_at is None


def test_an_automatic_answer_to_our_own_mail_is_recognised_as_our_mail_coming_back(
    settings: Settings, tmp_path: Path
) -> None:
    smtp = SmtpSettings(host="127.0.0.1", from_address="service@vistula.example")
    app = open_app(replace(settings, smtp=smtp))
    try:
        with unit_of_work(app.sessions) as session:
            sync_organisation(session, app.organisation)
        message = EmailMessage()
        message["From"] = "jan.nowak@example.pl"
        message["Subject"] = "Automatic reply: We received your message [C-000001]"
        message["Auto-Submitted"] = "auto-replied"
        message["In-Reply-To"] = "<ack.1.abc@vistula.example>"
        message.set_content("I am away.")
        folder = tmp_path / "mail"
        folder.mkdir()
        contact = deliver(app, folder, message.as_bytes())
        assert (contact.noise, contact.case_id) == ("own-notification", None)
        assert count(app, Task) == 0
    finally:
        app.close()


@pytest.mark.slow
def test_intake_mail_noise_lists_noise_and_delivery_failures(app: App, mailbox: Path) -> None:
    deliver(app, mailbox, out_of_office_reply())
    deliver(app, mailbox, (MIME / "flanker__bounce_zed.eml").read_bytes())

    result = run_intake(app.settings.home, "mail", "noise", COLUMNS="200")

    assert result.returncode == 0, result.stderr
    assert "auto-reply" in result.stdout and "jan.nowak@example.pl" in result.stdout
    assert "delivery-report" in result.stdout
    assert "5.1.1" in result.stdout and "<20090708054735.GC7578@example.com>" in result.stdout
