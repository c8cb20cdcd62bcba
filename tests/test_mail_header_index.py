"""The reading policy's messages find headers through an index that follows every change."""

from __future__ import annotations

from email.parser import BytesParser

from intake.mail.header_cache import IndexedMessage, caching_default
from intake.mail.headers import raw_header

RAW = (
    b"From: Anna <anna@example.com>\r\n"
    b"Subject: first\r\n"
    b"Subject: second\r\n"
    b"Content-Type: text/plain; charset=iso-8859-2; format=flowed\r\n"
    b"\r\n"
    b"body\r\n"
)


def _message() -> IndexedMessage:
    message = BytesParser(policy=caching_default).parsebytes(RAW)
    assert isinstance(message, IndexedMessage)
    return message


def test_header_reads_match_the_standard_message() -> None:
    message = _message()
    assert message["subject"] == "first"  # the first of repeated headers, as in Message.get
    assert message.get("X-Missing", "none") == "none"
    assert raw_header(message, "SUBJECT") == "first"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "iso-8859-2"
    assert message.get_param("format") == "flowed"


def test_reads_after_adding_replacing_or_deleting_a_header_see_the_change() -> None:
    message = _message()
    assert message["X-Tag"] is None
    message["X-Tag"] = "added"
    assert message["X-Tag"] == "added"
    message.replace_header("Subject", "replaced")
    assert message["Subject"] == "replaced"
    assert raw_header(message, "Subject") == "replaced"
    del message["Subject"]
    assert message["Subject"] is None


def test_changed_parameters_are_read_back_and_lists_are_not_shared() -> None:
    message = _message()
    message.set_param("charset", "utf-8")
    assert message.get_content_charset() == "utf-8"
    message.set_type("text/html")
    assert message.get_content_type() == "text/html"
    params = message.get_params()
    assert params is not None
    params.append(("injected", "1"))
    assert ("injected", "1") not in (message.get_params() or [])
