"""Messages built here in charsets the shared set lacks: Polish Windows-1250, ISO-2022-JP..."""

from __future__ import annotations

from email.header import Header
from email.message import EmailMessage
from email.mime.text import MIMEText

from intake.mail import parse_email

POLISH = "Zażółć gęślą jaźń. Reklamacja zamówienia ORD-5531907, klient VH-204817."
JAPANESE = "注文番号 ORD-5531907 の配達が遅れています。"


def _legacy_text_message(body: bytes, content_type: str, subject: str = "Test") -> bytes:
    """Headers and an 8-bit body exactly as an old mail client would write them."""
    headers = (
        f"From: Jan Kowalski <jan@example.pl>\r\nTo: obsluga@vistula.example\r\n"
        f"Subject: {subject}\r\nDate: Mon, 05 Oct 2026 10:00:00 +0200\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return headers.encode("ascii") + body


def test_windows_1250_polish_body_and_encoded_subject_decode_to_polish_letters() -> None:
    message = MIMEText(POLISH, "plain", "windows-1250")
    message["Subject"] = "=?windows-1250?q?Skarga_na_kuriera_=9Cl=B9ski?="
    message["From"] = "=?windows-1250?q?Pawe=B3_=A3=F3d=9F?= <pawel@example.pl>"
    parsed = parse_email(message.as_bytes())
    assert parsed.text == POLISH
    assert parsed.subject == "Skarga na kuriera śląski"
    assert parsed.sender_name == "Paweł Łódź"
    assert parsed.sender_address == "pawel@example.pl"
    assert parsed.defects == ()


def test_iso_8859_2_8bit_body_decodes_to_polish_letters() -> None:
    raw = _legacy_text_message(POLISH.encode("iso-8859-2"), 'text/plain; charset="ISO-8859-2"')
    assert parse_email(raw).text == POLISH


def test_iso_2022_jp_body_and_subject_decode_to_japanese() -> None:
    subject = Header("配達について", "iso-2022-jp").encode()
    raw = _legacy_text_message(
        JAPANESE.encode("iso-2022-jp"), 'text/plain; charset="ISO-2022-JP"', subject=subject
    ).replace(b"8bit", b"7bit")
    assert b"=?iso-2022-jp?" in raw
    parsed = parse_email(raw)
    assert parsed.text == JAPANESE
    assert parsed.subject == "配達について"
    assert parsed.defects == ()


def test_koi8_r_body_decodes_to_cyrillic() -> None:
    text = "Посылка не пришла."
    raw = _legacy_text_message(text.encode("koi8-r"), "text/plain; charset=koi8-r")
    assert parse_email(raw).text == text


def test_unknown_charset_falls_back_to_utf8_and_says_so() -> None:
    raw = _legacy_text_message(POLISH.encode("utf-8"), "text/plain; charset=x-made-up")
    parsed = parse_email(raw)
    assert parsed.text == POLISH
    assert any("unknown charset 'x-made-up'" in note for note in parsed.defects)


def test_unknown_charset_with_non_utf8_bytes_falls_back_to_cp1252() -> None:
    raw = _legacy_text_message("Café crème".encode("cp1252"), "text/plain; charset=x-made-up")
    parsed = parse_email(raw)
    assert parsed.text == "Café crème"
    assert any("read as cp1252" in note for note in parsed.defects)


def test_utf8_body_declared_as_latin_2_is_read_as_utf8() -> None:
    raw = _legacy_text_message(POLISH.encode("utf-8"), "text/plain; charset=iso-8859-2")
    parsed = parse_email(raw)
    assert parsed.text == POLISH
    assert any("does not fit the bytes" in note for note in parsed.defects)


def test_8bit_body_declared_as_ascii_is_read_as_utf8() -> None:
    raw = _legacy_text_message(POLISH.encode("utf-8"), "text/plain; charset=us-ascii")
    assert parse_email(raw).text == POLISH


def test_utf8_with_one_broken_character_keeps_the_rest() -> None:
    body = POLISH.encode("utf-8") + b" \xc5 koniec"
    raw = _legacy_text_message(body, "text/plain; charset=utf-8")
    parsed = parse_email(raw)
    assert parsed.text.startswith(POLISH)
    assert parsed.text.endswith("koniec")
    assert any("invalid UTF-8" in note for note in parsed.defects)


def test_raw_8bit_subject_uses_the_charset_the_body_declares() -> None:
    raw = _legacy_text_message(
        "Treść".encode("windows-1250"), "text/plain; charset=windows-1250", subject="SKARGA"
    ).replace(b"Subject: SKARGA", "Subject: Skarga – zły kurier".encode("windows-1250"))
    parsed = parse_email(raw)
    assert parsed.subject == "Skarga – zły kurier"
    assert parsed.text == "Treść"
    assert any("header Subject" in note for note in parsed.defects)


def test_rfc_2231_file_name_in_polish_is_decoded() -> None:
    message = EmailMessage()
    message["From"] = "jan@example.pl"
    message.set_content("W załączniku faktura.")
    message.add_attachment(
        b"%PDF-1.4 test", maintype="application", subtype="pdf", filename="Faktura_zażółć.pdf"
    )
    raw = message.as_bytes()
    assert b"filename*=utf-8''" in raw
    parsed = parse_email(raw)
    assert [attachment.filename for attachment in parsed.attachments] == ["Faktura_zażółć.pdf"]
    assert parsed.text == "W załączniku faktura."


def test_rfc_2047_file_name_inside_quotes_is_decoded() -> None:
    raw = (
        b"From: a@example.com\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="=?UTF-8?B?UmVrbGFtYWNqYS5wZGY=?="\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n"
    )
    parsed = parse_email(raw)
    assert [attachment.filename for attachment in parsed.attachments] == ["Reklamacja.pdf"]
    assert parsed.attachments[0].data == b"%PDF-1.4"
