"""What cannot be read as an email is rejected with a reason; everything else is read."""

from __future__ import annotations

import random
from email.message import EmailMessage
from pathlib import Path

import pytest

from intake.mail import MalformedEmail, parse_email

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PHOTOTEST = SHARED_DATA / "ocr" / "tesseract" / "phototest.tif"


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n  "], ids=["empty", "blank"])
def test_empty_input_is_rejected(raw: bytes) -> None:
    with pytest.raises(MalformedEmail, match="empty") as rejected:
        parse_email(raw)
    assert rejected.value.reason == "message is empty"


def test_binary_garbage_is_rejected_as_not_an_email() -> None:
    garbage = random.Random(7).randbytes(4096)
    with pytest.raises(MalformedEmail, match="not an email"):
        parse_email(garbage)


def test_an_image_file_is_rejected_as_not_an_email() -> None:
    if not PHOTOTEST.is_file():
        pytest.skip(f"shared image missing: {PHOTOTEST}")
    with pytest.raises(MalformedEmail, match="not an email"):
        parse_email(PHOTOTEST.read_bytes())


def test_plain_prose_without_headers_is_rejected() -> None:
    with pytest.raises(MalformedEmail, match="no header block"):
        parse_email("Dzień dobry,\nproszę o zwrot pieniędzy.\n".encode())


def test_message_above_the_size_limit_is_rejected_with_both_sizes() -> None:
    message = EmailMessage()
    message["From"] = "jan@example.pl"
    message.set_content("x" * 5000)
    with pytest.raises(MalformedEmail, match=r"above the limit of 1,000"):
        parse_email(message.as_bytes(), max_bytes=1000)
    assert parse_email(message.as_bytes(), max_bytes=10_000).text == "x" * 5000


def test_headers_only_message_gives_empty_text() -> None:
    parsed = parse_email(b"From: jan@example.pl\r\nSubject: (no text)\r\n\r\n")
    assert parsed.text == ""
    assert parsed.attachments == ()
    assert parsed.subject == "(no text)"


def test_blank_lines_before_the_headers_are_removed_and_noted() -> None:
    parsed = parse_email(b"\r\n\r\nFrom: jan@example.pl\r\nSubject: Hi\r\n\r\nBody\r\n")
    assert parsed.subject == "Hi"
    assert parsed.text == "Body"
    assert any("before the headers" in note for note in parsed.defects)


def test_unparsable_date_is_left_empty_and_noted() -> None:
    parsed = parse_email(b"From: a@example.com\r\nDate: yesterday at noon\r\n\r\nx\r\n")
    assert parsed.date is None
    assert any("header Date" in note for note in parsed.defects)


def test_date_without_zone_is_taken_as_utc() -> None:
    parsed = parse_email(b"From: a@example.com\r\nDate: Mon, 5 Oct 2026 10:00:00 -0000\r\n\r\nx")
    assert parsed.date is not None and parsed.date.utcoffset() is not None
    assert parsed.date.hour == 10


def test_broken_address_header_still_gives_the_address() -> None:
    raw = b'From: "Kowalski, Jan <jan@example.pl>\r\nTo: <<obsluga@vistula.example>\r\n\r\nx\r\n'
    parsed = parse_email(raw)
    assert parsed.sender_address == "jan@example.pl"
    assert parsed.to == ("obsluga@vistula.example",)


def test_bad_base64_attachment_is_decoded_as_far_as_possible_and_noted() -> None:
    raw = (
        b"From: a@example.com\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nScan attached.\r\n"
        b"--b\r\nContent-Type: application/pdf; name=scan.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ*\r\n--b--\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.text == "Scan attached."
    assert parsed.attachments[0].filename == "scan.pdf"
    assert parsed.attachments[0].data.startswith(b"%PDF")
    assert any("base64" in note for note in parsed.defects)


def test_missing_closing_boundary_keeps_the_text_and_notes_it() -> None:
    raw = (
        b"From: a@example.com\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nMy parcel is late.\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.text == "My parcel is late."
    assert any("closing boundary" in note for note in parsed.defects)
