"""Closing archives a case; retention purges old archives; erasure leaves no personal data."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import JSON, String, Text, func, select

from intake import pipeline
from intake.app import App
from intake.channels.ingest import ingest_paths
from tests.conftest import SAMPLES
from workflow.answers import AnswerChannel, answer_task
from workflow.archive import erase_customer, purge_expired, remove_blobs
from workflow.callbacks import CallbackPolicy, CallOutcome, record_outcome
from workflow.models import AuditEvent, Base, Contact, Customer, Document, Task, utcnow
from workflow.tasks import add_comment

# What the sample claim email (samples/email/en_claim_01.eml) says about its writer.
PERSONAL = ("Emma Clarke", "emma.clarke@yahoo.co.uk", "yahoo.co.uk>")


def answered_and_called_back(app: App, tmp_path: Path) -> tuple[int, int, str]:
    """The sample claim through the pipeline, answered by email, the customer reached by phone.
    Returns the contact id, the customer id and the original's blob hash."""
    app.sync_organisation()
    folder = tmp_path / "mail"
    folder.mkdir()
    shutil.copy(SAMPLES / "email" / "en_claim_01.eml", folder)
    (received,) = ingest_paths(app, [folder / "en_claim_01.eml"])
    pipeline.process(app)
    now = utcnow()
    policy = CallbackPolicy()
    with app.sessions.begin() as session:
        contact = session.get_one(Contact, received.contact_id)
        task = session.scalars(select(Task).where(Task.contact_id == contact.id)).one()
        add_comment(session, task.id, "m.zielinska", "Emma Clarke phoned as well.", now)
        receipt = answer_task(
            session, app.organisation, task.id, "m.zielinska",
            "Dear Emma Clarke, a technician will visit.", now,
            channel=AnswerChannel.EMAIL, message_id_domain="vistula-home.example", callbacks=policy,
        )  # fmt: skip
        assert receipt.callback_task_id is not None
        record_outcome(
            session, app.organisation, receipt.callback_task_id, "b.mazur",
            CallOutcome.REACHED, now, policy, note="Spoke to Emma Clarke.",
        )  # fmt: skip
        assert contact.customer_id is not None and contact.archived_at == now
        sha = session.scalars(select(Document.blob_sha256)).one()
        return contact.id, contact.customer_id, sha


def text_values(app: App) -> list[tuple[str, str, str]]:
    """Every text and JSON value in every table: (table, column, value)."""
    found = []
    with app.sessions() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for column in columns:
                for value in session.scalars(select(column).where(column.is_not(None))):
                    found.append((table.name, column.name, str(value)))
    return found


def test_erasing_a_customer_leaves_no_personal_data_but_the_audit_record(
    app: App, tmp_path: Path
) -> None:
    contact_id, customer_id, sha = answered_and_called_back(app, tmp_path)
    before = [v for v in text_values(app) if any(p.lower() in v[2].lower() for p in PERSONAL)]
    assert {table for table, _, _ in before} >= {"contacts", "customers", "outbox", "answers"}

    with app.sessions.begin() as session:
        report = erase_customer(session, customer_id, "dpo", utcnow())
    assert remove_blobs(app.blobs, report.orphan_blobs) == 1
    assert not app.blobs.exists(sha)

    left = [v for v in text_values(app) if any(p.lower() in v[2].lower() for p in PERSONAL)]
    assert left == []
    with app.sessions() as session:
        erased = session.get_one(Customer, customer_id)
        assert erased.erased_at is not None and erased.email is None
        assert session.get_one(Contact, contact_id).text == ""
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "customer", AuditEvent.action == "erased"
            )
        ).all()
        assert [(e.actor, e.entity_id) for e in events] == [("dpo", str(customer_id))]
        assert events[0].detail["contacts"] == 1


def test_retention_purges_archived_contacts_with_their_originals(app: App, tmp_path: Path) -> None:
    contact_id, _customer_id, sha = answered_and_called_back(app, tmp_path)
    with app.sessions.begin() as session:
        kept = purge_expired(session, utcnow(), timedelta(days=30))
    assert kept.contacts == 0
    with app.sessions.begin() as session:
        report = purge_expired(session, utcnow() + timedelta(days=31), timedelta(days=30))
    assert (report.contacts, report.documents, report.orphan_blobs) == (1, 1, (sha,))
    remove_blobs(app.blobs, report.orphan_blobs)
    with app.sessions() as session:
        assert session.get(Contact, contact_id) is None
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "purged")
            )
            == 1
        )
    assert not app.blobs.exists(sha)
