"""The MIME parser on 120 real third-party messages (CPython, mail-parser and flanker fixtures)."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from intake.mail import MalformedEmail, ParsedEmail, parse_email

MIME_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mime"
MESSAGES = sorted(path for path in MIME_DIR.glob("*") if path.is_file())

pytestmark = pytest.mark.skipif(not MESSAGES, reason=f"shared MIME messages missing in {MIME_DIR}")


def _parse(name: str) -> ParsedEmail:
    return parse_email((MIME_DIR / name).read_bytes())


def _has_readable_body(raw: bytes) -> bool:
    """Whether the message holds a non-empty text/plain or text/html part that is not attached."""
    message = message_from_bytes(raw, policy=policy.compat32)
    for part in message.walk():
        if part.get_content_type() not in ("text/plain", "text/html"):
            continue
        if (part.get_content_disposition() or "") == "attachment":
            continue
        payload = part.get_payload(decode=True) or b""
        if payload.strip():
            return True
    return False


@pytest.mark.parametrize("path", MESSAGES, ids=lambda path: path.name)
def test_every_message_parses_or_is_rejected_with_a_reason(path: Path) -> None:
    try:
        parsed = parse_email(path.read_bytes())
    except MalformedEmail as rejected:
        assert rejected.reason.strip()
        return
    assert isinstance(parsed, ParsedEmail)
    assert parsed.date is None or parsed.date.tzinfo is not None
    assert all(isinstance(note, str) and note for note in parsed.defects)
    for attachment in parsed.attachments:
        assert attachment.filename and "/" not in attachment.filename
        assert "/" in attachment.media_type


def test_at_least_95_percent_of_messages_with_a_body_yield_text() -> None:
    with_body = [path for path in MESSAGES if _has_readable_body(path.read_bytes())]
    empty = []
    for path in with_body:
        try:
            text = parse_email(path.read_bytes()).text
        except MalformedEmail:
            text = ""
        if not text.strip():
            empty.append(path.name)
    assert len(with_body) >= 80
    assert len(empty) <= 0.05 * len(with_body), empty


def test_iso_8859_1_quoted_printable_body_decodes_to_accented_letters() -> None:
    parsed = _parse("mailparser__mail_test_10.eml")
    assert "vi segnalo che oggi è stato annunciato" in parsed.text
    assert "NON è eleggibile" in parsed.text
    assert "=E8" not in parsed.text


def test_utf8_encoded_word_subject_is_decoded() -> None:
    parsed = _parse("flanker__bilingual-simple.eml")
    assert parsed.subject == "Simple text. How are you? Как ты поживаешь?"


def test_encoded_word_subject_and_attachment_name_in_cyrillic_and_polish() -> None:
    parsed = _parse("mailparser__mail_test_11.eml")
    assert parsed.subject == "письмо уведом-е"
    names = [attachment.filename for attachment in parsed.attachments]
    assert any(name.startswith("Prokuratura Rejonowa Warszawa-Śródmieście") for name in names)


def test_html_only_message_gives_readable_text_without_tags() -> None:
    parsed = _parse("mailparser__mail_test_4.eml")
    assert parsed.html is not None and "<DIV>" in parsed.html
    assert "Dear All," in parsed.text
    assert "We have made the payment of USD 103,349,35." in parsed.text
    assert "<" not in parsed.text and "&nbsp;" not in parsed.text


def test_pdf_attachment_is_listed_with_its_filename_and_media_type() -> None:
    parsed = _parse("flanker__attached-pdf.eml")
    pdfs = [attachment for attachment in parsed.attachments if attachment.filename == "test.pdf"]
    assert len(pdfs) == 1
    assert pdfs[0].media_type == "application/pdf"
    assert pdfs[0].data.startswith(b"%PDF")
    assert not pdfs[0].inline
    assert "Test - body content" in parsed.text


def test_forwarded_rfc822_message_contributes_its_text() -> None:
    parsed = _parse("flanker__enclosed.eml")
    before, marker, after = parsed.text.partition("Forwarded message")
    assert marker
    assert before.strip().startswith("Hello")
    assert "Subject: Thanks!" in after
    assert "dudes... you're kicking ass." in after
    assert "чтобы я без вас делал" in after


def test_auto_reply_headers_are_flagged() -> None:
    assert _parse("flanker__bounce_mailbox-full.eml").auto_submitted  # Auto-Submitted: auto-replied
    assert _parse("cpython__msg_25.txt").auto_submitted  # Auto-Submitted: auto-generated
    assert _parse("mailparser__mail_test_13.eml").auto_submitted  # List-ID of a newsletter


def test_a_person_writing_is_not_flagged_as_automatic() -> None:
    assert not _parse("flanker__enclosed.eml").auto_submitted
    # Precedence: bulk inside the digested messages does not count, only the outer headers.
    assert not _parse("cpython__msg_01.txt").auto_submitted


def test_cid_referenced_images_are_inline_and_the_pdf_is_a_document() -> None:
    parsed = _parse("mailparser__mail_test_2.eml")
    by_name = {attachment.filename: attachment for attachment in parsed.attachments}
    assert by_name["Bollettino.pdf"].media_type == "application/pdf"
    assert not by_name["Bollettino.pdf"].inline
    assert by_name["logometeo.jpg"].inline
    assert [document.filename for document in parsed.documents] == ["Bollettino.pdf"]


def test_headers_identify_sender_recipients_date_and_thread() -> None:
    parsed = _parse("cpython__msg_04.txt")
    assert parsed.sender_address == "barry@python.org"
    assert parsed.to == ("barry@python.org",)
    assert parsed.message_id == "<15261.36209.358846.118674@anthem.python.org>"
    assert parsed.date is not None and parsed.date.isoformat() == "2001-09-11T00:05:05-04:00"


def test_undeclared_8bit_subject_is_decoded_and_noted() -> None:
    parsed = _parse("flanker__mailformed-headers.eml")
    assert parsed.subject == "´!"
    assert any("header Subject" in note for note in parsed.defects)


def test_outlook_msg_file_is_rejected_with_a_reason() -> None:
    with pytest.raises(MalformedEmail, match=r"Outlook \.msg"):
        _parse("mailparser__mail_outlook_1.eml")


def test_mailing_list_digest_body_without_headers_is_rejected() -> None:
    with pytest.raises(MalformedEmail, match="no header block"):
        _parse("cpython__msg_19.txt")
