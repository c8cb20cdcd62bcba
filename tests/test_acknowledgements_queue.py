"""The route stage queues one acknowledgement per new email contact, and none where it must not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.config_mail import AcknowledgementSettings, SmtpSettings
from tests.conftest import SAMPLES, base_settings
from workflow.db import unit_of_work
from workflow.directory import sync_organisation
from workflow.models import AuditEvent, Case, Contact, Customer, OutboxMessage, utcnow

SMTP = SmtpSettings(
    host="127.0.0.1",
    from_address="service@vistula-electronics.pl",
    from_name="Vistula Home Electronics",
    message_id_domain="intake.vistula-electronics.pl",
)


def make_app(home: Path, **acknowledgements: object) -> App:
    settings = base_settings(
        home,
        smtp=SMTP,
        acknowledgements=replace(AcknowledgementSettings(), **acknowledgements),
    )
    app = open_app(settings)
    with unit_of_work(app.sessions) as session:
        sync_organisation(session, app.organisation)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    application = make_app(tmp_path / "var")
    yield application
    application.close()


def sample(name: str) -> bytes:
    return (SAMPLES / "email" / name).read_bytes()


def variant(data: bytes, tmp: Path, name: str, **headers: str) -> Path:
    """The sample with some headers replaced or added (`From`, `In-Reply-To`, ...)."""
    head, _, body = data.partition(b"\n\n")
    lines = head.split(b"\n")
    for header, value in headers.items():
        field = header.replace("_", "-").encode()
        kept, skip = [], False
        for line in lines:
            if line[:1] in (b" ", b"\t") and skip:
                continue
            skip = line.lower().startswith(field.lower() + b":")
            if not skip:
                kept.append(line)
        lines = [*kept, field + b": " + value.encode()]
    path = tmp / name
    path.write_bytes(b"\n".join(lines) + b"\n\n" + body)
    return path


def run(app: App, *paths: Path) -> None:
    ingest_paths(app, list(paths))
    report = pipeline.process(app)
    assert report.count(pipeline.Result.QUARANTINED) == 0


def outbox(app: App) -> list[OutboxMessage]:
    with app.sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def refusals(app: App) -> list[str]:
    with app.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "not acknowledged"))
        return [event.detail["reason"] for event in events]


def test_an_english_email_gets_one_acknowledgement_with_reference_deadline_and_articles(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "en_billing_04.eml"
    path.write_bytes(sample("en_billing_04.eml"))
    run(app, path)
    [message] = outbox(app)
    with app.sessions() as session:
        contact = session.scalars(select(Contact)).one()
        case = session.get_one(Case, contact.case_id)
    assert message.to_address == contact.sender_address
    # Their subject already starts with "Re:"; it is not repeated.
    assert contact.subject == "Re: Charged twice for order ORD-5531907"
    assert message.subject == f"[{case.reference}] Re: Charged twice for order ORD-5531907"
    assert message.status == "pending"
    assert message.in_reply_to == contact.message_id
    assert message.references[-1] == contact.message_id
    assert message.message_id.endswith("@intake.vistula-electronics.pl>")
    assert f"case reference {case.reference}" in message.body_text
    assert case.deadline_at is not None
    local = case.deadline_at.astimezone(ZoneInfo("Europe/Warsaw"))
    assert f"{local:%H:%M} (Europe/Warsaw time)" in message.body_text
    assert f"{local.day} {local:%B} {local.year}" in message.body_text
    assert "1. How to get a duplicate invoice or report a double charge" in message.body_text
    assert "Every invoice is in My account" in message.body_text


def test_a_polish_contact_gets_a_polish_acknowledgement(app: App, tmp_path: Path) -> None:
    path = tmp_path / "pl_billing_02.eml"
    path.write_bytes(sample("pl_billing_02.eml"))
    run(app, path)
    [message] = outbox(app)
    assert "dziękujemy za wiadomość" in message.body_text
    assert "Odpowiemy najpóźniej:" in message.body_text
    assert "Duplikat faktury i podwójne obciążenie" in message.body_text
    assert "thank you" not in message.body_text
    assert message.subject.endswith("Re: Prośba o wystawienie faktury VAT na firmę")


def test_processing_again_queues_no_second_acknowledgement(app: App, tmp_path: Path) -> None:
    path = tmp_path / "en_claim_01.eml"
    path.write_bytes(sample("en_claim_01.eml"))
    run(app, path)
    run(app, path)
    assert len(outbox(app)) == 1


def test_the_daily_cap_per_address_holds(tmp_path: Path) -> None:
    app = make_app(tmp_path / "var", daily_cap_per_address=2)
    sender = "Pat Doe <PAT.DOE@example.com>"
    paths = [
        variant(sample(name), tmp_path, name, From=sender)
        for name in ("en_billing_01.eml", "en_claim_02.eml", "en_delivery_03.eml")
    ]
    run(app, *paths)
    messages = outbox(app)
    assert [m.to_address for m in messages] == ["pat.doe@example.com"] * 2
    assert refusals(app) == ["daily cap of 2 acknowledgements to this address reached"]
    app.close()


def test_acknowledgements_older_than_a_day_do_not_count_against_the_cap(tmp_path: Path) -> None:
    app = make_app(tmp_path / "var", daily_cap_per_address=1)
    run(app, variant(sample("en_billing_01.eml"), tmp_path, "a.eml", From="pat@example.com"))
    with unit_of_work(app.sessions) as session:
        for message in session.scalars(select(OutboxMessage)):
            message.created_at = utcnow().replace(year=2020)
    run(app, variant(sample("en_claim_02.eml"), tmp_path, "b.eml", From="pat@example.com"))
    assert len(outbox(app)) == 2
    app.close()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, None),
        ({"From": "Service <service@vistula-electronics.pl>"}, "sent from our own domain"),
        (
            {"In-Reply-To": "<ack.1.123@intake.vistula-electronics.pl>"},
            "a reply to a message we sent (In-Reply-To)",
        ),
        ({"Message-ID": "<ack.7.99@intake.vistula-electronics.pl>"}, "carries our own Message-ID"),
    ],
    ids=["auto-reply", "our-domain", "reply-to-our-message", "our-message-back"],
)
def test_machines_and_our_own_mail_get_no_acknowledgement(
    app: App, tmp_path: Path, headers: dict[str, str], reason: str | None
) -> None:
    run(app, variant(sample("en_delivery_01.eml"), tmp_path, "mail.eml", **headers))
    assert outbox(app) == []
    with app.sessions() as session:
        noise = session.scalars(select(Contact.noise)).one()
    # Mail the loop guard of the extract stage already called noise stops before routing;
    # the rest is refused by the acknowledgement's own guards, with the reason on record.
    assert noise is not None or refusals(app) == [reason]
    assert noise is not None or reason is not None


def test_an_address_marked_undeliverable_gets_no_acknowledgement(app: App, tmp_path: Path) -> None:
    with unit_of_work(app.sessions) as session:
        session.add(
            Customer(
                name="Daniel",
                email="daniel.hughes84@gmail.com",
                email_undeliverable_at=datetime(2026, 10, 1, tzinfo=ZoneInfo("UTC")),
            )
        )
    path = tmp_path / "en_billing_01.eml"
    path.write_bytes(sample("en_billing_01.eml"))
    run(app, path)
    assert outbox(app) == []
    assert refusals(app) == ["the address is marked undeliverable"]


@pytest.mark.parametrize("setting", ["disabled", "no-smtp"])
def test_nothing_is_queued_when_acknowledgements_are_off_or_no_server_is_set(
    tmp_path: Path, setting: str
) -> None:
    app = make_app(tmp_path / "var", enabled=setting != "disabled")
    if setting == "no-smtp":
        app.settings = replace(app.settings, smtp=None)
    path = tmp_path / "en_billing_01.eml"
    path.write_bytes(sample("en_billing_01.eml"))
    run(app, path)
    assert outbox(app) == []
    with app.sessions() as session:
        assert session.scalars(select(Contact)).one().case_id is not None
    app.close()


def test_articles_are_limited_to_max_articles(tmp_path: Path) -> None:
    app = make_app(tmp_path / "var", max_articles=0)
    path = tmp_path / "en_billing_04.eml"
    path.write_bytes(sample("en_billing_04.eml"))
    run(app, path)
    [message] = outbox(app)
    assert "These articles may already answer" not in message.body_text
    app.close()
