"""Outlook's winmail.dat (TNEF) is unpacked into the files it carries, and its body is read."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from intake.mail import parse_email
from intake.mail.rtf import decompress_rtf, rtf_to_text
from intake.mail.tnef import TnefError, read_tnef
from tests.conftest import SHARED_DATA

TNEF = SHARED_DATA / "mime" / "tnef"

# The expected attachments listed in ../shared/data/README.md. long-filename.tnef is listed as
# "body only" there, but it does carry a 279-byte licence file (ALLPRO~1.DAT, long name
# allproductsmar2000.dat) in attAttachData: dropping a file a customer sent is not an option.
EXPECTED = {
    "attachments": ["ZAPPA_~2.JPG", "bookmark.htm"],
    "one-file": ["AUTHORS"],
    "two-files": ["AUTHORS", "README"],
    "unicode-mapi-attr": ["example.dat"],
    "garbage-at-end": [],
    "multi-name-property": [],
    "body": [],
    "rtf": [],
    "triples": [],
    "long-filename": ["ALLPRO~1.DAT"],
}


def _tnef(name: str) -> bytes:
    return (TNEF / f"teamwork__{name}.tnef").read_bytes()


def _outlook_mail(winmail: bytes, text: str | None = "Please see the attached files.") -> bytes:
    message = EmailMessage()
    message["From"] = "Mark Simpson <mark.simpson@example.com>"
    message["Subject"] = "Files for my claim"
    if text is not None:
        message.set_content(text)
    else:
        message.make_mixed()
    message.add_attachment(
        winmail, maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    return message.as_bytes()


def test_every_corpus_file_is_listed() -> None:
    assert sorted(p.stem.removeprefix("teamwork__") for p in TNEF.glob("*.tnef")) == sorted(
        EXPECTED
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_tnef_files_yield_exactly_the_listed_attachments_with_their_data(name: str) -> None:
    content = read_tnef(_tnef(name))
    assert [a.filename for a in content.attachments] == EXPECTED[name]
    assert all(a.data for a in content.attachments)


def test_a_winmail_dat_attachment_becomes_the_files_inside_it() -> None:
    mail = parse_email(_outlook_mail(_tnef("two-files")))
    assert [(a.filename, a.inline) for a in mail.attachments] == [
        ("AUTHORS", False),
        ("README", False),
    ]
    assert mail.text == "Please see the attached files."
    readme = mail.attachments[1].data.decode()
    assert "tnef" in readme.lower()


def test_attachment_media_types_come_from_outlook_or_the_file_name() -> None:
    mail = parse_email(_outlook_mail(_tnef("attachments")))
    assert [(a.filename, a.media_type) for a in mail.attachments] == [
        ("ZAPPA_~2.JPG", "image/jpeg"),
        ("bookmark.htm", "text/html"),
    ]
    assert mail.attachments[0].data.startswith(b"\xff\xd8")  # a real JPEG


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("body", "THE BILL OF RIGHTS"),
        ("triples", "Sample description"),
        ("long-filename", "temp. license for QARun"),
        ("rtf", "agka;kgag"),
    ],
)
def test_a_body_sent_only_inside_winmail_dat_is_read(name: str, words: str) -> None:
    mail = parse_email(_outlook_mail(_tnef(name), text=None))
    assert words in mail.text


def test_the_html_body_of_a_tnef_is_kept_as_the_messages_html() -> None:
    mail = parse_email(_outlook_mail(_tnef("body"), text=None))
    assert mail.html is not None and "THE BILL OF RIGHTS" in mail.html


def test_trailing_garbage_keeps_what_was_read_and_notes_the_damage() -> None:
    content = read_tnef(_tnef("garbage-at-end"))
    assert content.attachments == ()
    assert any("the rest was skipped" in note for note in content.notes)
    mail = parse_email(_outlook_mail(_tnef("garbage-at-end")))
    assert any("winmail.dat" in defect for defect in mail.defects)


def test_a_damaged_winmail_dat_is_kept_as_it_is() -> None:
    broken = _tnef("one-file")[:6] + b"\x07" * 40
    mail = parse_email(_outlook_mail(broken))
    assert [a.filename for a in mail.attachments] == ["winmail.dat"]
    assert any("not a readable TNEF file" in defect for defect in mail.defects)


def test_bytes_without_the_tnef_signature_are_refused() -> None:
    with pytest.raises(TnefError, match="no TNEF signature"):
        read_tnef(b"PK\x03\x04 not tnef at all")


def test_a_checksum_mismatch_stops_reading_at_that_attribute() -> None:
    data = bytearray(_tnef("one-file"))
    data[-1] ^= 0xFF  # the last attribute's checksum
    content = read_tnef(bytes(data))
    assert any("checksum mismatch" in note for note in content.notes)


def test_compressed_rtf_round_trips_through_the_reader() -> None:
    # MS-OXRTFCP's own example: an uncompressed ("MELA") stream is returned as it is.
    raw = b"{\\rtf1\\ansi Hello\\par World}"
    header = len(raw) + 12, len(raw), 0x414C454D, 0
    stream = b"".join(n.to_bytes(4, "little") for n in header) + raw
    assert decompress_rtf(stream) == raw
    assert rtf_to_text(raw) == "Hello\nWorld"


def test_rtf_text_skips_font_tables_and_decodes_escapes() -> None:
    rtf = rb"{\rtf1\ansi\ansicpg1250{\fonttbl{\f0 Arial;}}{\*\generator Msftedit;}"
    rtf += rb"Za\'bf\'f3\'b3\u263?w\par x}"
    assert rtf_to_text(rtf) == "Za\u017c\u00f3\u0142\u0107w\nx"


def test_files_from_tnef_go_on_as_documents(tmp_path: Path) -> None:
    mail = parse_email(_outlook_mail(_tnef("one-file")))
    assert [d.filename for d in mail.documents] == ["AUTHORS"]
