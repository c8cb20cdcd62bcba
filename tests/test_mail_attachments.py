"""Attachments versus inline pictures, and forwarded messages, in messages built with the stdlib."""

from __future__ import annotations

from email.message import EmailMessage

from intake.mail import parse_email
from tests.conftest import SHARED_DATA

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 200  # about 50 KB: a photo, not a logo
LOGO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000


def _html_mail_with_logo_and_photo() -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Nowak <anna@example.pl>"
    message["To"] = "reklamacje@vistula.example, Kopia <cc@vistula.example>"
    message["Subject"] = "Reklamacja pralki"
    message.set_content("Pralka nie wiruje. Zdjęcie w załączniku.")
    message.add_alternative(
        '<p>Pralka <b>nie wiruje</b>. Zdjęcie w załączniku.</p><img src="cid:logo123@example">',
        subtype="html",
    )
    html_part = message.get_payload()[1]
    html_part.add_related(LOGO, "image", "png", cid="<logo123@example>")
    message.add_attachment(PHOTO, maintype="image", subtype="jpeg", filename="pralka.jpg")
    return message.as_bytes()


def test_cid_image_is_inline_and_the_attached_photo_is_a_document() -> None:
    parsed = parse_email(_html_mail_with_logo_and_photo())
    by_type = {attachment.media_type: attachment for attachment in parsed.attachments}
    assert by_type["image/png"].inline
    assert by_type["image/png"].content_id == "logo123@example"
    assert not by_type["image/jpeg"].inline
    assert by_type["image/jpeg"].filename == "pralka.jpg"
    assert by_type["image/jpeg"].data == PHOTO
    assert [document.filename for document in parsed.documents] == ["pralka.jpg"]


def test_plain_alternative_is_the_text_and_the_html_is_kept() -> None:
    parsed = parse_email(_html_mail_with_logo_and_photo())
    assert parsed.text == "Pralka nie wiruje. Zdjęcie w załączniku."
    assert parsed.html is not None and "<b>nie wiruje</b>" in parsed.html
    assert parsed.to == ("reklamacje@vistula.example", "cc@vistula.example")
    assert parsed.sender_name == "Anna Nowak"


def test_small_embedded_signature_logo_without_reference_is_not_a_document() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("Regards")
    message.add_attachment(
        LOGO, maintype="image", subtype="png", filename="logo.png", disposition="inline", cid="<s1>"
    )
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="fv.pdf")
    parsed = parse_email(message.as_bytes())
    assert [(a.filename, a.inline) for a in parsed.attachments] == [
        ("logo.png", True),
        ("fv.pdf", False),
    ]


def test_octet_stream_with_a_pdf_name_is_reported_as_pdf() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("Invoice attached")
    message.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="octet-stream", filename="FV_2026_10.pdf"
    )
    parsed = parse_email(message.as_bytes())
    assert parsed.attachments[0].media_type == "application/pdf"


def test_path_in_a_file_name_is_dropped() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("x")
    message.add_attachment(b"data", maintype="application", subtype="zip", filename="..\\..\\a.zip")
    assert parse_email(message.as_bytes()).attachments[0].filename == "a.zip"


def test_attachment_without_a_name_gets_one_from_its_type() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("x")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf")
    assert parse_email(message.as_bytes()).attachments[0].filename == "part-1.pdf"


def test_forwarded_message_attachment_contributes_text_and_its_own_attachments() -> None:
    original = EmailMessage()
    original["From"] = "Kurier <kurier@example.com>"
    original["Subject"] = "Paczka ORD-5531907"
    original["Date"] = "Mon, 05 Oct 2026 09:00:00 +0200"
    original.set_content("Paczka została uszkodzona w transporcie.")
    original.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="pod.pdf")
    forward = EmailMessage()
    forward["From"] = "jan@example.pl"
    forward["Subject"] = "Fwd: Paczka ORD-5531907"
    forward.set_content("Proszę o pomoc, poniżej wiadomość od kuriera.")
    forward.add_attachment(original)
    parsed = parse_email(forward.as_bytes())
    assert parsed.text.startswith("Proszę o pomoc")
    assert "---------- Forwarded message ----------" in parsed.text
    assert "Subject: Paczka ORD-5531907" in parsed.text
    assert "Paczka została uszkodzona w transporcie." in parsed.text
    assert [attachment.filename for attachment in parsed.attachments] == ["pod.pdf"]


def test_a_delivery_status_part_keeps_the_lines_the_reporting_server_wrote() -> None:
    raw = (SHARED_DATA / "mime" / "flanker__bounce_office365.eml").read_bytes()
    (status,) = [
        a for a in parse_email(raw).attachments if a.media_type == "message/delivery-status"
    ]
    long_lines = [line for line in status.data.splitlines() if len(line) > 78]
    assert long_lines  # a diagnostic longer than a folded line: not folded anew
    assert all(line in raw for line in status.data.splitlines())


def test_tnef_winmail_dat_is_an_ordinary_attachment() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("See attachment")
    message.add_attachment(
        b"\x78\x9f\x3e\x22" + b"\x00" * 64,
        maintype="application",
        subtype="ms-tnef",
        filename="winmail.dat",
    )
    attachment = parse_email(message.as_bytes()).attachments[0]
    assert (attachment.filename, attachment.media_type) == ("winmail.dat", "application/ms-tnef")
    assert not attachment.inline


def test_format_flowed_lines_are_joined_into_paragraphs() -> None:
    raw = (
        b"From: a@example.com\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
        b"My order has not \r\narrived yet.\r\n\r\n> Quoted line \r\n> continues\r\n"
    )
    assert parse_email(raw).text == "My order has not arrived yet.\n\n> Quoted line continues"


def test_thread_headers_are_normalised_to_bracketed_ids() -> None:
    raw = (
        b"From: a@example.com\r\nMessage-ID:  <abc@x.example> \r\n"
        b"In-Reply-To: Your message of Monday <prev@vistula.example>\r\n"
        b"References: <one@x> <two@x>\r\n <prev@vistula.example>\r\n\r\nx\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.message_id == "<abc@x.example>"
    assert parsed.in_reply_to == "<prev@vistula.example>"
    assert parsed.references == ("<one@x>", "<two@x>", "<prev@vistula.example>")
