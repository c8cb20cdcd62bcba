"""Every real-world message of the shared MIME corpus becomes a contact or a quarantine entry."""

from __future__ import annotations

import email
import email.policy
import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.app import App
from intake.channels.hot_folder import prepare_maildir
from intake.channels.ingest import ingest_paths
from intake.channels.items import Outcome
from tests.conftest import SHARED_DATA
from workflow.db import unit_of_work
from workflow.directory import sync_organisation
from workflow.models import Contact, ContactStatus, Task

pytestmark = pytest.mark.slow

MIME = SHARED_DATA / "mime"


def _maildir_of_every_message(folder: Path) -> list[Path]:
    prepare_maildir(folder)
    sources = sorted(p for p in MIME.iterdir() if p.is_file())
    for number, source in enumerate(sources):
        shutil.copy(source, folder / "new" / f"{number:04d}.{source.name}")
    return sources


def test_no_message_crashes_the_run_and_each_ends_routed_or_quarantined(
    app: App, tmp_path: Path
) -> None:
    sources = _maildir_of_every_message(tmp_path / "Maildir")
    distinct = {hashlib.sha256(p.read_bytes()).hexdigest() for p in sources}
    with unit_of_work(app.sessions) as session:
        sync_organisation(session, app.organisation)

    received = ingest_paths(app, [tmp_path / "Maildir"])
    assert sum(r.outcome is Outcome.STORED for r in received) == len(distinct)
    pipeline.process(app)

    with app.sessions() as session:
        contacts = session.scalars(select(Contact)).all()
        assert len(contacts) == len(distinct)
        for contact in contacts:
            if contact.status == ContactStatus.QUARANTINED:
                assert contact.quarantine_reason, contact.source
                continue
            assert contact.stage == "routed", (contact.source, contact.last_error)
            if not contact.auto_submitted:
                task = session.scalar(select(Task).where(Task.contact_id == contact.id))
                assert task is not None, contact.source
        quarantined = [c for c in contacts if c.status == ContactStatus.QUARANTINED]
        # The corpus has two files that are not emails at all (a headerless digest, an
        # Outlook .msg); everything else must flow.
        assert len(quarantined) <= 3, [(c.source, c.quarantine_reason) for c in quarantined]
        # A person can read what was written: of the messages with a text body part, at least
        # 95% end with that text on their contact.
        with_body = [c for c in contacts if _has_text_body(app.blobs.get(c.sha256))]
        readable = [c for c in with_body if c.text.strip()]
        assert len(readable) >= 0.95 * len(with_body), [
            c.source for c in with_body if not c.text.strip()
        ]


def _has_text_body(raw: bytes) -> bool:
    """Judged with the standard library alone, independently of Intake's parser."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() not in ("text/plain", "text/html"):
            continue
        if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        payload = part.get_payload(decode=True) or b""
        if payload.strip():
            return True
    return False
