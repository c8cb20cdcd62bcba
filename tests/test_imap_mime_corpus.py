"""Every message of the shared MIME corpus, APPENDed into Dovecot and fetched, becomes a
contact; after `process` each one is extracted or quarantined with a reason. Nothing blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from intake.app import App
from intake.channels.imap_connection import connect, disconnect
from intake.channels.imap_fetcher import fetch_folder
from intake.config_mail import ImapAccount
from intake.pipeline import process
from intake.secrets import Secret
from tests.conftest import SHARED_DATA, need, need_tesseract
from tests.dovecot import Dovecot, dovecot_fixture
from workflow.models import Contact, ContactStatus

pytestmark = pytest.mark.slow

dovecot = dovecot_fixture()
CORPUS = SHARED_DATA / "mime"


def corpus() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file())


def test_every_corpus_message_fetched_becomes_a_contact_or_a_quarantine_entry(
    app: App, dovecot: Dovecot
) -> None:
    need(CORPUS.is_dir(), f"the shared MIME corpus is missing at {CORPUS}")
    need_tesseract()
    user = dovecot.add_user()
    files = corpus()
    dovecot.append([path.read_bytes() for path in files], user=user)
    account = ImapAccount(
        name="corpus",
        host="127.0.0.1",
        port=dovecot.port,
        security="none",
        username=user,
        password=Secret(literal=dovecot.users[user]),
        batch_size=25,
    )

    client = connect(account)
    try:
        counts = fetch_folder(app, account, client, "INBOX")
    finally:
        disconnect(client)
    process(app)

    assert counts.warning == ""
    assert counts.fetched == len(files)
    assert dovecot.messages(user) == {}, "a message stayed behind in the inbox"
    with app.sessions() as session:
        contacts = session.scalars(select(Contact)).all()
    # Identical files in the corpus are one contact; every distinct message is one.
    assert counts.stored + counts.duplicates == len(files)
    assert len(contacts) == counts.stored
    for contact in contacts:
        if contact.status == ContactStatus.QUARANTINED:
            assert contact.quarantine_reason, f"{contact.source}: quarantined without a reason"
        else:
            assert contact.stage in ("extracted", "classified", "routed"), contact.source
    readable = [c for c in contacts if c.status == ContactStatus.ACTIVE]
    assert len(readable) >= 0.9 * len(contacts)
