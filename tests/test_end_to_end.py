"""The whole product on the sample data: scans and emails become routed tasks, exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake import pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.channels.items import Outcome
from intake.demo import Accuracy, ManifestRow, measure, read_manifest
from tests.conftest import SAMPLES, base_settings, need_tesseract
from workflow.db import unit_of_work
from workflow.directory import sync_organisation
from workflow.models import AuditEvent, Case, Contact, ContactStatus, Customer, Document, Task

pytestmark = [pytest.mark.slow, pytest.mark.tesseract]


@dataclass(frozen=True)
class Counts:
    contacts: int
    documents: int
    customers: int
    cases: int
    tasks: int
    audit_events: int


def counts(app: App) -> Counts:
    with app.sessions() as session:
        return Counts(
            *(
                session.scalar(select(func.count()).select_from(model)) or 0
                for model in (Contact, Document, Customer, Case, Task, AuditEvent)
            )
        )


def run_once(app: App, rows: list[ManifestRow]) -> pipeline.ProcessReport:
    with unit_of_work(app.sessions) as session:
        sync_organisation(session, app.organisation)
    ingest_paths(app, [row.path for row in rows])
    return pipeline.process(app)


@pytest.fixture(scope="module")
def manifest() -> list[ManifestRow]:
    return read_manifest(SAMPLES / "manifest.csv")


@pytest.fixture(scope="module")
def demo_app(
    tmp_path_factory: pytest.TempPathFactory, manifest: list[ManifestRow]
) -> Iterator[App]:
    need_tesseract()
    app = open_app(base_settings(tmp_path_factory.mktemp("demo") / "var"))
    run_once(app, manifest)
    yield app
    app.close()


def test_samples_land_in_the_units_the_manifest_expects(
    demo_app: App, manifest: list[ManifestRow]
) -> None:
    with demo_app.sessions() as session:
        accuracy: Accuracy = measure(session, manifest)
    described = "\n".join(
        f"{m.path.name}: expected {m.expected_unit}, got {m.got_unit} ({m.note})"
        for m in accuracy.misses
    )
    assert accuracy.unit_share >= 0.90, described
    assert Accuracy.share(accuracy.topic_hits, accuracy.total) >= 0.90, described


def test_every_sample_becomes_one_routed_contact_with_a_deadline(
    demo_app: App, manifest: list[ManifestRow]
) -> None:
    with demo_app.sessions() as session:
        contacts = session.scalars(select(Contact)).all()
        assert len(contacts) == len(manifest)
        assert all(c.status == ContactStatus.ACTIVE and c.stage == "routed" for c in contacts)
        for contact in contacts:
            tasks = session.scalars(
                select(Task).where(Task.contact_id == contact.id, Task.kind != "verify")
            ).all()
            assert len(tasks) == 1, contact.source
            assert tasks[0].due_at is not None and tasks[0].due_at > contact.received_at


def test_scanned_letters_are_read_by_ocr(demo_app: App, manifest: list[ManifestRow]) -> None:
    scans = [row for row in manifest if row.channel == "scan"]
    with demo_app.sessions() as session:
        for row in scans:
            contact = session.scalar(select(Contact).where(Contact.source == str(row.path)))
            assert contact is not None, row.path
            assert len(contact.text.split()) >= 20, row.path
            assert contact.ocr_confidence is not None and contact.ocr_confidence > 60, row.path


def test_email_senders_become_customers_and_replies_join_their_case(demo_app: App) -> None:
    with demo_app.sessions() as session:
        emails = session.scalars(select(Contact).where(Contact.channel == "email")).all()
        assert emails and all(c.customer_id is not None for c in emails)
        replies = [c for c in emails if c.in_reply_to]
        for reply in replies:
            original = session.scalar(
                select(Contact).where(Contact.message_id == reply.in_reply_to)
            )
            if original is not None:
                assert reply.case_id == original.case_id, reply.source


def test_running_the_demo_twice_changes_nothing(demo_app: App, manifest: list[ManifestRow]) -> None:
    before = counts(demo_app)
    results = ingest_paths(demo_app, [row.path for row in manifest])
    report = pipeline.process(demo_app)
    assert {r.outcome for r in results} == {Outcome.DUPLICATE}
    assert report.outcomes == []
    assert counts(demo_app) == before


def test_the_pipeline_runs_the_same_on_postgresql(
    postgres_url: str, tmp_path: Path, manifest: list[ManifestRow]
) -> None:
    rows = [r for r in manifest if r.channel == "email"][:12] + [
        r for r in manifest if r.channel == "scan"
    ][:2]
    app = open_app(base_settings(tmp_path / "var", database_url=postgres_url))
    try:
        run_once(app, rows)
        with app.sessions() as session:
            accuracy = measure(session, rows)
            routed = session.scalar(
                select(func.count()).select_from(Contact).where(Contact.stage == "routed")
            )
        assert routed == len(rows)
        assert accuracy.unit_share >= 0.8
        before = counts(app)
        run_once(app, rows)
        assert counts(app) == before
    finally:
        app.close()
