"""Bounces (DSN), complaints (ARF) and read receipts from the real corpus are told apart, and a
bounce says which address failed, how, and for which of our messages."""

from __future__ import annotations

import pytest

from intake.mail import parse_email
from intake.mail.filters import RecipientStatus, Verdict, screen
from intake.mail.filters.delivery_report import parse_delivery_status
from tests.conftest import SHARED_DATA

MIME = SHARED_DATA / "mime"


def _verdict(name: str) -> Verdict:
    return screen(parse_email((MIME / name).read_bytes()))


def test_a_mailbox_full_bounce_names_the_recipient_status_and_original_message() -> None:
    verdict = _verdict("flanker__bounce_mailbox-full.eml")
    assert verdict.noise == "delivery-report"
    assert verdict.delivery is not None
    assert verdict.delivery.original_message_id == "<4E326A95.3010907@example.com>"
    (recipient,) = verdict.delivery.recipients
    assert recipient == RecipientStatus(
        address="user@aol.com",
        action="failed",
        status="5.2.2",
        diagnostic="552 5.2.2 E4.12 user MAILBOX FULL",
    )
    assert recipient.failed


def test_a_delayed_delivery_is_reported_but_not_a_failure() -> None:
    verdict = _verdict("flanker__bounce_no-mx.eml")
    assert verdict.delivery is not None
    (recipient,) = verdict.delivery.recipients
    assert (recipient.address, recipient.action, recipient.status) == (
        "user@example.com",
        "delayed",
        "4.4.4",
    )
    assert not recipient.failed
    assert verdict.delivery.original_message_id == "<19E44CA63F984902B7D654F8FF40F89D@bo>"


@pytest.mark.parametrize(
    ("name", "address", "status", "original"),
    [
        (
            "flanker__bounce_zed.eml",
            "asdfasdfasdfasdfasdfasdfewrqertrtyrthsfgdfgadfqeadvxzvz@gmail.com",
            "5.1.1",
            "<20090708054735.GC7578@example.com>",
        ),
        (
            "flanker__bounce_office365.eml",
            "noname@example.com",
            "5.1.10",
            "<20171013111011.20866.254C2F3A4D7AA526@ninomail.com>",
        ),
        ("flanker__bounce_delayed-broken.eml", "demo@example.com", "4.2.2", None),
    ],
)
def test_real_bounces_are_delivery_reports_with_their_recipient(
    name: str, address: str, status: str, original: str | None
) -> None:
    verdict = _verdict(name)
    assert (verdict.noise, verdict.rule) == ("delivery-report", "delivery_report")
    assert verdict.delivery is not None
    assert [(r.address, r.status) for r in verdict.delivery.recipients] == [(address, status)]
    assert verdict.delivery.original_message_id == original


def test_a_plain_text_bounce_from_the_mailer_daemon_is_noise_without_details() -> None:
    verdict = _verdict("flanker__bounce_gmail-invalid-address.eml")
    assert (verdict.noise, verdict.rule) == ("delivery-report", "mailer_daemon")
    assert verdict.delivery is None


@pytest.mark.parametrize("name", ["flanker__complaints_aol.eml", "flanker__complaints_yahoo.eml"])
def test_abuse_complaints_are_recognised(name: str) -> None:
    verdict = _verdict(name)
    assert verdict.noise == "complaint"
    assert "abuse complaint about <" in verdict.reason


def test_a_read_receipt_is_recognised() -> None:
    assert _verdict("flanker__disposition-notification.eml").noise == "read-receipt"


def test_recipient_blocks_are_read_and_the_per_message_block_is_skipped() -> None:
    status = (
        b"Reporting-MTA: dns; mx.vistula.example\n\n"
        b"Final-Recipient: rfc822; <Anna@Example.PL>\nAction: failed\nStatus: 5.1.1\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 no such\n  user here\n\n"
        b"Original-Recipient: rfc822;jan@example.pl\nAction: delivered\nStatus: 2.0.0\n"
    )
    assert parse_delivery_status(status) == (
        RecipientStatus("anna@example.pl", "failed", "5.1.1", "550 5.1.1 no such user here"),
        RecipientStatus("jan@example.pl", "delivered", "2.0.0", ""),
    )


def test_a_customer_forwarding_a_bounce_is_not_noise() -> None:
    bounce = (MIME / "flanker__bounce_zed.eml").read_text(errors="replace")
    outer = (
        "From: anna@example.pl\r\nSubject: Fwd: why did my mail bounce?\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="outer-b"\r\n\r\n--outer-b\r\n'
        "Content-Type: text/plain\r\n\r\nYour shop's address bounced, see below.\r\n"
        f"--outer-b\r\nContent-Type: message/rfc822\r\n\r\n{bounce}\r\n--outer-b--\r\n"
    )
    assert screen(parse_email(outer.encode())).noise is None
