"""The pipeline drops nothing: failures retry with backoff, then quarantine with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake import pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.config import Settings
from intake.pipeline import Result, Step
from intake.stages.errors import Unprocessable
from tests.conftest import need_tesseract
from workflow.models import AuditEvent, Contact, ContactStatus, Stage, utcnow


def _failing_step(error: Exception) -> Step:
    def run(app: App, session: Session, contacts: Sequence[Contact]) -> None:
        raise error

    return Step("extract", Stage.RECEIVED, Stage.EXTRACTED, run)


def _one_scan(app: App, folder: Path, name: str = "letter.png", data: bytes = b"") -> int:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    (received,) = ingest_paths(app, [path])
    assert received.contact_id is not None
    return received.contact_id


def test_failing_stage_retries_with_doubling_delay_then_quarantines(
    settings: Settings, tmp_path: Path
) -> None:
    app = open_app(replace(settings, retry_base_seconds=100.0, max_attempts=3))
    contact_id = _one_scan(app, tmp_path / "in", data=b"not really a scan")
    steps = (_failing_step(RuntimeError("disk on fire")),)

    delays = []
    for _ in range(3):
        report = pipeline.process(app, steps=steps)
        with app.sessions() as session, session.begin():
            contact = session.get(Contact, contact_id)
            assert contact is not None
            if contact.next_attempt_at is not None:
                delays.append((contact.next_attempt_at - utcnow()).total_seconds())
                # Make the retry due now instead of waiting for it.
                contact.next_attempt_at = utcnow() - timedelta(seconds=1)

    assert report.count(Result.QUARANTINED) == 1
    assert delays[0] == pytest.approx(100, abs=5)
    assert delays[1] == pytest.approx(200, abs=5)
    with app.sessions() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        assert contact.status == ContactStatus.QUARANTINED
        assert contact.stage == Stage.RECEIVED
        assert contact.attempts == 3
        assert contact.quarantine_reason == "extract: RuntimeError: disk on fire"


def test_a_retry_that_is_not_due_yet_waits(settings: Settings, tmp_path: Path) -> None:
    app = open_app(replace(settings, retry_base_seconds=3600.0))
    _one_scan(app, tmp_path / "in", data=b"x")
    pipeline.process(app, steps=(_failing_step(RuntimeError("later")),))
    again = pipeline.process(app, steps=(_failing_step(RuntimeError("later")),))
    assert again.outcomes == []


def test_input_that_can_never_succeed_is_quarantined_at_once(app: App, tmp_path: Path) -> None:
    contact_id = _one_scan(app, tmp_path / "in")
    pipeline.process(app, steps=(_failing_step(Unprocessable("letter.png: empty file")),))
    with app.sessions() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        assert contact.status == ContactStatus.QUARANTINED
        assert contact.attempts == 1
        assert contact.quarantine_reason == "extract: letter.png: empty file"


@pytest.mark.tesseract
def test_zero_byte_scan_is_quarantined_with_a_reason_naming_the_file(
    app: App, tmp_path: Path
) -> None:
    need_tesseract()
    contact_id = _one_scan(app, tmp_path / "in", name="empty-scan.tif")
    report = pipeline.process(app)
    assert report.count(Result.QUARANTINED) == 1
    with app.sessions() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        assert contact.status == ContactStatus.QUARANTINED
        assert "empty-scan.tif" in (contact.quarantine_reason or "")


def test_released_contact_resumes_at_the_stage_it_failed(app: App, tmp_path: Path) -> None:
    contact_id = _one_scan(app, tmp_path / "in", data=b"x")
    pipeline.process(app, steps=(_failing_step(Unprocessable("bad")),))
    assert pipeline.release(app, contact_id, actor="tester")
    assert not pipeline.release(app, contact_id, actor="tester")

    def succeed(app: App, session: Session, contacts: Sequence[Contact]) -> None:
        for contact in contacts:
            contact.text = "fixed"

    report = pipeline.process(
        app, steps=(Step("extract", Stage.RECEIVED, Stage.EXTRACTED, succeed),)
    )
    assert report.count(Result.ADVANCED) == 1
    with app.sessions() as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        assert (contact.status, contact.stage, contact.text) == ("active", "extracted", "fixed")
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == str(contact_id))
        ).all()
        assert actions == ["received", "quarantined", "released"]


def test_one_bad_contact_in_a_batch_does_not_hold_back_the_others(app: App, tmp_path: Path) -> None:
    ids = [_one_scan(app, tmp_path / "in", name=f"s{i}.png", data=bytes([i])) for i in range(5)]
    poisoned = ids[2]

    def picky(app: App, session: Session, contacts: Sequence[Contact]) -> None:
        if any(c.id == poisoned for c in contacts):
            raise Unprocessable("poisoned")

    report = pipeline.process(
        app, steps=(Step("extract", Stage.RECEIVED, Stage.EXTRACTED, picky, batch_size=5),)
    )
    assert report.count(Result.ADVANCED) == 4
    assert report.count(Result.QUARANTINED) == 1
    with app.sessions() as session:
        stages = dict(session.execute(select(Contact.id, Contact.stage)).all())
    assert stages[poisoned] == "received"
    assert sorted(i for i, s in stages.items() if s == "extracted") == sorted(set(ids) - {poisoned})


def test_a_contact_advanced_by_another_worker_is_skipped(app: App, tmp_path: Path) -> None:
    contact_id = _one_scan(app, tmp_path / "in", data=b"x")

    def advanced_meanwhile(app: App, session: Session, contacts: Sequence[Contact]) -> None:
        # Another worker commits the same step while this one is still working.
        with app.sessions() as other, other.begin():
            other.execute(
                update(Contact)
                .where(Contact.id == contact_id)
                .values(stage=Stage.EXTRACTED, version=Contact.version + 1)
            )

    report = pipeline.process(
        app, steps=(Step("extract", Stage.RECEIVED, Stage.EXTRACTED, advanced_meanwhile),)
    )
    assert [o.result for o in report.outcomes] == [Result.SKIPPED]
