"""A coupon is read field by field; unsure fields go to the mailroom and come back corrected."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.coupon_export import coupon_rows, write_csv
from intake.verification import VerificationError, verify_field
from tests.conftest import SAMPLES, need_tesseract
from workflow.db import unit_of_work
from workflow.models import Contact, ContactField, Document, FieldStatus, Task

pytestmark = [pytest.mark.slow, pytest.mark.tesseract]

COUPON = SAMPLES / "scans" / "pl_loyalty_coupon_01.jpg"
LETTER = SAMPLES / "scans" / "en_billing_letter_01.png"


def _process(app: App, *paths: Path) -> None:
    need_tesseract()
    app.sync_organisation()
    ingest_paths(app, list(paths))
    pipeline.process(app)


def test_a_coupon_is_read_field_by_field_and_a_letter_is_not(app: App) -> None:
    _process(app, COUPON, LETTER)
    with app.sessions() as session:
        coupon = session.scalar(select(Contact).where(Contact.source == str(COUPON)))
        letter = session.scalar(select(Contact).where(Contact.source == str(LETTER)))
        assert coupon is not None and letter is not None
        assert coupon.form == "coupon_pl" and letter.form is None
        fields = {
            f.name: f
            for f in session.scalars(
                select(ContactField).where(ContactField.contact_id == coupon.id)
            )
        }
        assert {"first_name", "last_name", "postcode", "town", "email", "consent"} <= set(fields)
        assert fields["postcode"].valid and len(fields["postcode"].value) == 6
        assert all(f.crop_sha256 and app.blobs.exists(f.crop_sha256) for f in fields.values())


def test_every_scan_keeps_a_searchable_pdf_for_the_archive(app: App) -> None:
    _process(app, LETTER)
    with app.sessions() as session:
        archive = session.scalar(select(Document).where(Document.role == "archive"))
        assert archive is not None
        pdf = app.blobs.get(archive.blob_sha256)
    assert pdf.startswith(b"%PDF")
    assert archive.filename == "en_billing_letter_01.searchable.pdf"
    assert "invoice" in archive.text.lower()


def test_unsure_fields_become_one_mailroom_task_closed_when_all_are_verified(
    settings, tmp_path: Path
) -> None:
    # A threshold no reading reaches: every field needs a person.
    app = open_app(replace(settings, field_confidence_threshold=1.01))
    _process(app, COUPON)
    with app.sessions() as session:
        task = session.scalar(select(Task).where(Task.kind == "verify"))
        assert task is not None and task.unit == "mailroom" and task.status == "open"
        field_ids = task.payload["fields"]
        town = session.scalar(select(ContactField).where(ContactField.name == "town"))
        assert town is not None and town.id in field_ids

    with unit_of_work(app.sessions) as session:
        corrected = verify_field(session, town.id, "KOŁOBRZEG-BUDZISTOWO", "ewa")
    assert corrected.corrected and not corrected.task_done
    with (
        pytest.raises(VerificationError, match="verified already"),
        unit_of_work(app.sessions) as session,
    ):
        verify_field(session, town.id, None, "ewa")
    for field_id in field_ids:
        if field_id == town.id:
            continue
        with unit_of_work(app.sessions) as session:
            last = verify_field(session, field_id, None, "ewa")
    assert last.task_done
    with app.sessions() as session:
        assert session.get(Task, task.id).status == "done"
        town_row = session.get(ContactField, town.id)
        assert (town_row.value, town_row.status, town_row.verified_by) == (
            "KOŁOBRZEG-BUDZISTOWO",
            FieldStatus.CORRECTED,
            "ewa",
        )
    app.close()


def test_coupon_export_has_one_row_per_coupon_with_its_fields(app: App) -> None:
    _process(app, COUPON, LETTER)
    with app.sessions() as session:
        columns, rows = coupon_rows(session, datetime(2000, 1, 1, tzinfo=UTC))
    out = io.StringIO()
    write_csv(out, columns, rows)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(parsed) == 1
    assert parsed[0]["form"] == "coupon_pl"
    assert parsed[0]["postcode"] and parsed[0]["last_name"]
    with app.sessions() as session:
        assert coupon_rows(session, datetime(2999, 1, 1, tzinfo=UTC))[1] == []


def test_without_postal_data_coupons_are_still_read_as_pages(settings) -> None:
    app = open_app(replace(settings, postal_data_dir=Path("/nonexistent/postal")))
    _process(app, COUPON)
    with app.sessions() as session:
        contact = session.scalars(select(Contact)).one()
        assert contact.stage == "routed" and contact.form is None
        assert "KUPON" in contact.text.upper() or "KLUB" in contact.text.upper()
    app.close()
