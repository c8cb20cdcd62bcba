"""Auto-replies, bulk mail and list mail are recognised by their headers, one rule each."""

from __future__ import annotations

import pytest

from intake.mail import parse_email
from intake.mail.filters import FILTERS, PERSON, FilterContext, screen


def _mail(*headers: str, body: str = "I am out of the office until Monday.") -> bytes:
    lines = ["From: jan@example.pl", "Subject: Out of office: your order", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


@pytest.mark.parametrize(
    ("header", "noise", "rule"),
    [
        ("Auto-Submitted: auto-replied", "auto-reply", "auto_submitted"),
        ("Auto-Submitted: auto-generated", "auto-reply", "auto_submitted"),
        ("X-Autoreply: yes", "auto-reply", "x_autoreply"),
        ("X-Autorespond: vacation", "auto-reply", "x_autoreply"),
        ("X-Auto-Response-Suppress: All", "auto-reply", "auto_response_suppress"),
        (
            "X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply",
            "auto-reply",
            "auto_response_suppress",
        ),
        ("Precedence: bulk", "bulk", "precedence"),
        ("Precedence: junk", "bulk", "precedence"),
        ("Precedence: list", "mailing-list", "precedence"),
        ("Precedence: auto_reply", "auto-reply", "precedence"),
        ("List-Id: Vistula News <news.vistula.example>", "mailing-list", "list_id"),
    ],
)
def test_each_machine_header_gives_its_noise_and_names_the_rule(
    header: str, noise: str, rule: str
) -> None:
    verdict = screen(parse_email(_mail(header)))
    assert (verdict.noise, verdict.rule) == (noise, rule)
    assert header.split(":")[0] in verdict.reason


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: no",
        "X-Auto-Response-Suppress: None",
        "Precedence: first-class",
        "X-Mailer: Thunderbird",
    ],
)
def test_a_person_writing_is_not_noise(header: str) -> None:
    mail = parse_email(_mail(header, body="My fridge stopped cooling, please help."))
    verdict = screen(mail)
    assert verdict.noise is None and not verdict.is_noise
    assert not mail.auto_submitted


def test_the_first_matching_rule_decides() -> None:
    verdict = screen(parse_email(_mail("List-Id: <x.example>", "Auto-Submitted: auto-replied")))
    assert verdict.rule == "auto_submitted"


def test_a_forwarded_list_message_does_not_make_the_customers_mail_noise() -> None:
    inner = _mail("List-Id: <deals.shop.example>", "Precedence: bulk").decode()
    outer = (
        "From: anna@example.pl\r\nSubject: Fwd: is this offer from you?\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nIs this really your offer?\r\n--b\r\n"
        f"Content-Type: message/rfc822\r\n\r\n{inner}\r\n--b--\r\n"
    )
    assert screen(parse_email(outer.encode())).noise is None


def test_every_filter_lets_a_plain_message_through() -> None:
    mail = parse_email(_mail(body="Where is my order ORD-5531907?"))
    assert [rule(mail, FilterContext()) for rule in FILTERS] == [PERSON] * len(FILTERS)
