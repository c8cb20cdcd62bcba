"""The verdict that a message was sent by a machine, one header rule at a time."""

from __future__ import annotations

import pytest

from intake.mail import parse_email


def _mail(*headers: str) -> bytes:
    lines = ["From: someone@example.com", "Subject: Re: ORD-5531907", *headers]
    return ("\r\n".join(lines) + "\r\n\r\nBody\r\n").encode()


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated (bounce)",
        "X-Autoreply: yes",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "X-Auto-Response-Suppress: All",
        "List-Id: Vistula News <news.vistula.example>",
    ],
)
def test_machine_headers_flag_the_message(header: str) -> None:
    assert parse_email(_mail(header)).auto_submitted


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: no", "Precedence: first-class", "X-Mailer: Thunderbird", "Subject2: x"],
)
def test_headers_of_a_person_writing_do_not_flag_it(header: str) -> None:
    assert not parse_email(_mail(header)).auto_submitted
