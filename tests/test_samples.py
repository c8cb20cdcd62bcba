"""The demo samples: the manifest matches the files, every e-mail is a valid message with text a
person would read, every scan decodes at its stated resolution, and Tesseract reads the scans."""

from __future__ import annotations

import csv
import email
import email.policy
import html
import io
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
sys.path.insert(0, str(SAMPLES))

from coupon_layout import COUPON_LAYOUT  # noqa: E402
from generate_samples import LATIN2_SUBSTITUTES, MANIFEST_HEADER, message_id  # noqa: E402
from sample_contacts import SAMPLE_CONTACTS, TOPIC_UNITS, SampleContact  # noqa: E402

CONTACTS = {contact.id: contact for contact in SAMPLE_CONTACTS}
SCAN_SUFFIXES = {".png", ".jpg", ".tif", ".pdf"}
A4_INCHES = (8.27, 11.69)


def read_manifest() -> list[dict[str, str]]:
    path = SAMPLES / "manifest.csv"
    if not path.exists():
        pytest.fail(f"{path} is missing: run .venv/bin/python samples/generate_samples.py")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == MANIFEST_HEADER
        return list(reader)


def contact_for(path: str) -> SampleContact:
    return CONTACTS[Path(path).stem]


def parse_eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def rows_of(channel: str) -> list[dict[str, str]]:
    return [row for row in read_manifest() if row["channel"] == channel]


def require_tesseract() -> str:
    binary = shutil.which("tesseract")
    if binary is None:
        if os.environ.get("INTAKE_REQUIRE_SERVICES") == "1":
            pytest.fail("tesseract is not installed and INTAKE_REQUIRE_SERVICES=1")
        pytest.skip("tesseract is not installed")
    return binary


# --------------------------------------------------------------------------------------------
# The manifest
# --------------------------------------------------------------------------------------------


def test_manifest_lists_exactly_the_generated_files() -> None:
    listed = [row["path"] for row in read_manifest()]
    on_disk = sorted(
        path.relative_to(SAMPLES).as_posix()
        for folder in ("email", "scans")
        for path in (SAMPLES / folder).iterdir()
        if path.is_file()
    )
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert sorted(listed) == on_disk


def test_manifest_has_one_row_per_sample_contact_with_its_labels() -> None:
    rows = read_manifest()
    assert sorted(contact_for(row["path"]).id for row in rows) == sorted(CONTACTS)
    for row in rows:
        contact = contact_for(row["path"])
        expected = {
            "channel": "email" if contact.kind == "email" else "scan",
            "kind": contact.kind,
            "language": contact.language,
            "topic": contact.topic,
            "sentiment": contact.sentiment,
            "unit": contact.unit,
        }
        assert {key: row[key] for key in expected} == expected, row["path"]


def test_manifest_topics_units_and_sentiments_are_the_organisations_own() -> None:
    for row in read_manifest():
        assert row["topic"] in TOPIC_UNITS, row
        assert row["unit"] == TOPIC_UNITS[row["topic"]], row
        assert row["sentiment"] in {"negative", "neutral", "positive"}, row
        assert row["language"] in {"en", "pl"}, row
        assert (row["channel"], row["kind"]) in {
            ("email", "email"),
            ("scan", "letter"),
            ("scan", "coupon"),
        }, row


def test_samples_cover_every_topic_language_and_sentiment() -> None:
    rows = read_manifest()
    kinds = Counter(row["kind"] for row in rows)
    assert kinds["email"] >= 44 and kinds["letter"] >= 16 and kinds["coupon"] >= 10
    languages = Counter(row["language"] for row in rows)
    assert abs(languages["en"] - languages["pl"]) <= len(rows) // 10
    topics = Counter(row["topic"] for row in rows)
    assert set(topics) == set(TOPIC_UNITS)
    assert min(topics.values()) >= 10
    assert set(Counter(row["sentiment"] for row in rows)) == {"negative", "neutral", "positive"}


def test_generated_files_stay_under_25_megabytes() -> None:
    total = sum((SAMPLES / row["path"]).stat().st_size for row in read_manifest())
    assert total < 25_000_000


# --------------------------------------------------------------------------------------------
# E-mails
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", rows_of("email"), ids=lambda row: row["path"])
def test_every_email_parses_with_headers_and_a_text_body(row: dict[str, str]) -> None:
    path = SAMPLES / row["path"]
    message = parse_eml(path)
    contact = contact_for(row["path"])
    for header in ("From", "To", "Date", "Subject", "Message-ID"):
        assert message[header], f"{path.name}: no {header}"
    assert not message.defects, f"{path.name}: {message.defects}"
    assert message["Subject"] in {contact.subject, contact.subject.translate(LATIN2_SUBSTITUTES)}
    assert message["From"].addresses[0].addr_spec == contact.sender_email
    assert message["Date"].datetime.year == 2026
    body = message.get_body(preferencelist=("plain", "html"))
    assert body is not None, f"{path.name}: no text body"
    text = html.unescape(re.sub(r"<[^>]+>", " ", body.get_content()))
    first_words = contact.paragraphs[1].translate(LATIN2_SUBSTITUTES).split()[:4]
    flat = " ".join(text.translate(LATIN2_SUBSTITUTES).split())
    assert " ".join(first_words) in flat, f"{path.name}: body not found"


def test_emails_come_in_every_shape_the_channel_must_handle() -> None:
    messages = {row["path"]: parse_eml(SAMPLES / row["path"]) for row in rows_of("email")}
    types = Counter(message.get_content_type() for message in messages.values())
    assert types["text/plain"] >= 10
    assert types["text/html"] >= 6, "HTML-only messages"
    assert types["multipart/mixed"] >= 6, "messages with attachments"
    alternatives = [
        m
        for m in messages.values()
        if any(p.get_content_type() == "multipart/alternative" for p in m.walk())
    ]
    assert len(alternatives) >= 6
    charsets = Counter(
        m.get_body(preferencelist=("plain", "html")).get_content_charset()
        for m in messages.values()
    )
    assert charsets["iso-8859-2"] >= 5 and charsets["utf-8"] >= 30


def test_html_only_emails_carry_a_table_and_a_signature() -> None:
    for row in rows_of("email"):
        message = parse_eml(SAMPLES / row["path"])
        if message.get_content_type() != "text/html":
            continue
        markup = message.get_content()
        assert "<table" in markup and "<tr>" in markup, row["path"]
        assert 'class="signature"' in markup, row["path"]


def test_attachments_are_real_pdfs_and_images() -> None:
    seen = Counter()
    for row in rows_of("email"):
        for part in parse_eml(SAMPLES / row["path"]).iter_attachments():
            data = part.get_content()
            kind = part.get_content_type()
            seen[kind] += 1
            if kind == "application/pdf":
                document = pdfium.PdfDocument(data)
                text = document[0].get_textpage().get_text_range()
                assert len(document) >= 1 and not text.strip(), "an image-only scan"
            else:
                with Image.open(io.BytesIO(data)) as image:
                    image.verify()
                    assert image.format in {"JPEG", "PNG"}
    assert seen["application/pdf"] >= 3
    assert seen["image/jpeg"] >= 2
    assert seen["image/png"] >= 2


def test_polish_subjects_are_rfc2047_encoded_in_the_raw_message() -> None:
    for row in rows_of("email"):
        contact = contact_for(row["path"])
        raw = (SAMPLES / row["path"]).read_bytes()
        raw_subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", raw, re.MULTILINE)
        assert raw_subject, row["path"]
        if not contact.subject.isascii():
            assert b"=?" in raw_subject.group(1), row["path"]
        if contact.charset == "iso-8859-2" and not contact.subject.isascii():
            assert b"=?iso-8859-2?" in raw_subject.group(1).lower(), row["path"]


def test_replies_thread_to_another_samples_message_id() -> None:
    replies = [CONTACTS[Path(r["path"]).stem] for r in rows_of("email")]
    replies = [contact for contact in replies if contact.reply_to]
    assert len(replies) >= 4
    ids = {
        parse_eml(SAMPLES / "email" / f"{c.id}.eml")["Message-ID"]
        for c in CONTACTS.values()
        if c.kind == "email"
    }
    for contact in replies:
        message = parse_eml(SAMPLES / "email" / f"{contact.id}.eml")
        parent = message_id(CONTACTS[contact.reply_to])
        assert message["Subject"].startswith("Re: ")
        assert message["In-Reply-To"] == parent
        assert parent in message["References"]
        assert parent in ids


# --------------------------------------------------------------------------------------------
# Scans
# --------------------------------------------------------------------------------------------


def scan_rows() -> list[dict[str, str]]:
    return rows_of("scan")


@pytest.mark.parametrize("row", scan_rows(), ids=lambda row: row["path"])
def test_every_scan_decodes_at_the_expected_dpi(row: dict[str, str]) -> None:
    path = SAMPLES / row["path"]
    contact = contact_for(row["path"])
    dpi = contact.scan_dpi
    assert dpi is not None and 200 <= dpi <= 300
    assert path.suffix in SCAN_SUFFIXES
    if path.suffix == ".pdf":
        document = pdfium.PdfDocument(path)
        for page in document:
            width_pt, _ = page.get_size()
            images = list(page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,)))
            assert len(images) == 1, f"{path.name}: one scanned image per page"
            assert not page.get_textpage().get_text_range().strip(), "image-only PDF"
            px_width, _ = images[0].get_px_size()
            assert abs(px_width / (width_pt / 72) - dpi) < 1
        return
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
        for frame in range(frames):
            image.seek(frame)
            image.load()
            assert tuple(round(v) for v in image.info["dpi"]) == (dpi, dpi), path.name
            width_in = image.width / dpi
            if contact.kind == "letter":
                assert abs(width_in - A4_INCHES[0]) < 0.05
            else:
                assert (image.width, image.height) == (COUPON_LAYOUT.width, COUPON_LAYOUT.height)
        if path.suffix == ".tif":
            assert image.info.get("compression") in {"group4", "tiff_lzw", "tiff_adobe_deflate"}


def test_scans_mix_formats_and_two_page_tiff_letters() -> None:
    suffixes = Counter(Path(row["path"]).suffix for row in scan_rows())
    assert set(suffixes) == SCAN_SUFFIXES
    two_page = 0
    for row in scan_rows():
        if row["path"].endswith(".tif") and row["kind"] == "letter":
            with Image.open(SAMPLES / row["path"]) as image:
                assert image.n_frames == 2, row["path"]
                two_page += 1
    assert two_page >= 3


def test_coupon_postcodes_and_towns_are_real_pairs_from_geonames() -> None:
    files = {"PL": "pl", "GB": "gb", "US": "us"}
    for contact in SAMPLE_CONTACTS:
        if contact.coupon is None:
            continue
        fields = contact.coupon
        table = SHARED_DATA / "postal" / f"geonames_zipcodes.{files[fields.country]}.csv"
        if not table.exists():
            pytest.skip(f"{table} is missing")
        # GeoNames keeps only the outward part of British postcodes.
        code = fields.postcode.split()[0] if fields.country == "GB" else fields.postcode
        with table.open(encoding="utf-8") as handle:
            pairs = {(r["zipcode"], r["place"].upper()) for r in csv.DictReader(handle)}
        assert (code, fields.town) in pairs, contact.id


def test_coupon_layout_boxes_fit_the_card_and_do_not_overlap() -> None:
    layout = COUPON_LAYOUT
    boxes = [f.box for f in layout.fields] + [c.box for c in layout.checkboxes]
    for box in boxes:
        assert 0 <= box.left < box.right <= layout.width
        assert 0 <= box.top < box.bottom <= layout.height
    for index, first in enumerate(boxes):
        for second in boxes[index + 1 :]:
            apart = (
                first.right <= second.left
                or second.right <= first.left
                or first.bottom <= second.top
                or second.bottom <= first.top
            )
            assert apart, (first, second)


# --------------------------------------------------------------------------------------------
# Tesseract reads what a person reads
# --------------------------------------------------------------------------------------------


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w{4,}", text)}


def ocr(path: Path, tmp_path: Path) -> str:
    binary = require_tesseract()
    if path.suffix == ".pdf":
        rendered = tmp_path / f"{path.stem}.png"
        pdfium.PdfDocument(path)[0].render(scale=300 / 72).to_pil().save(rendered)
        path = rendered
    result = subprocess.run(
        [binary, str(path), "-", "-l", "eng+pol"],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "en_billing_letter_01.png",
        "pl_claim_letter_01.jpg",
        "en_complaint_letter_01.tif",
        "pl_complaint_letter_01.pdf",
    ],
)
def test_tesseract_reads_the_letter_body(name: str, tmp_path: Path) -> None:
    contact = contact_for(name)
    text = ocr(SAMPLES / "scans" / name, tmp_path)
    expected = words(contact.body)
    recall = len(expected & words(text)) / len(expected)
    assert recall >= 0.85, f"{name}: only {recall:.0%} of the body words were read"


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.parametrize("name", ["pl_loyalty_coupon_01.jpg", "en_loyalty_coupon_02.png"])
def test_tesseract_reads_the_coupon_labels_and_filled_fields(name: str, tmp_path: Path) -> None:
    contact = contact_for(name)
    assert contact.coupon is not None
    text = ocr(SAMPLES / "scans" / name, tmp_path)
    flat = " ".join(text.split())
    assert "VISTULA" in flat
    assert COUPON_LAYOUT.field("last_name").label(contact.language) in flat
    for value in (contact.coupon.last_name, contact.coupon.postcode, contact.coupon.card_number):
        assert value in flat, f"{name}: {value!r} not read"


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_generator_is_deterministic_and_removes_stale_files(tmp_path: Path) -> None:
    """Two runs give byte-identical files, every file of the manifest, the same manifest as
    samples/, and a stale file left in the output folder is removed. (Byte equality with the
    committed samples is not asked: Pillow's text rendering and encoders change between
    releases, so a fresh install may draw the same page a few pixels differently.)"""
    from generate_samples import generate

    first, second = tmp_path / "first", tmp_path / "second"
    stale = second / "scans" / "left_over.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"stale")
    generate(first)
    generate(second)
    assert not stale.exists()
    for row in read_manifest():
        fresh = (first / row["path"]).read_bytes()
        assert fresh == (second / row["path"]).read_bytes(), row["path"]
        assert (SAMPLES / row["path"]).is_file(), row["path"]
    assert (first / "manifest.csv").read_bytes() == (SAMPLES / "manifest.csv").read_bytes()
