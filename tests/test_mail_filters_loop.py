"""Our own automatic mail coming back is recognised, so machines never answer each other."""

from __future__ import annotations

from email.message import EmailMessage

from intake.mail import parse_email
from intake.mail.filters import FilterContext, screen

OURS = FilterContext(own_domains=frozenset({"intake.vistula.example"}))


def _mail(**headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = "anna@example.pl"
    message["Subject"] = "Automatic reply: [C-000012] We received your message"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("I am away until Monday.")
    return message.as_bytes()


def test_an_automatic_answer_to_our_acknowledgement_is_our_own_mail_coming_back() -> None:
    raw = _mail(Auto_Submitted="auto-replied", In_Reply_To="<ack.12@intake.vistula.example>")
    verdict = screen(parse_email(raw), OURS)
    assert (verdict.noise, verdict.rule) == ("own-notification", "own_notification")
    assert "<ack.12@intake.vistula.example>" in verdict.reason


def test_our_own_message_delivered_back_to_us_is_recognised() -> None:
    raw = _mail(Auto_Submitted="auto-generated", Message_ID="<ack.13@intake.vistula.example>")
    assert screen(parse_email(raw), OURS).noise == "own-notification"


def test_a_person_replying_to_our_acknowledgement_is_not_noise() -> None:
    raw = _mail(In_Reply_To="<ack.12@intake.vistula.example>")
    assert screen(parse_email(raw), OURS).noise is None


def test_without_our_domain_configured_an_auto_reply_is_still_an_auto_reply() -> None:
    raw = _mail(Auto_Submitted="auto-replied", In_Reply_To="<ack.12@intake.vistula.example>")
    assert screen(parse_email(raw), FilterContext()).noise == "auto-reply"
