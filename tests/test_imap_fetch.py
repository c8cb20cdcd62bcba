"""The IMAP fetcher against a real Dovecot: commit first, then move or flag; nothing twice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from intake.app import App
from intake.channels.imap_connection import connect, disconnect
from intake.channels.imap_fetcher import fetch_folder
from intake.channels.imap_ledger import RunCounts
from intake.config_mail import ImapAccount
from intake.pipeline import process
from tests.conftest import SAMPLES
from tests.dovecot import Dovecot, account_for, dovecot_fixture
from workflow.models import Contact, ContactStatus, FetchRun, MailLedgerEntry

dovecot = dovecot_fixture()


def message(number: int, body: str = "My kettle stopped working, please help.") -> bytes:
    return (
        f"From: Customer {number} <customer{number}@example.com>\r\n"
        f"To: support@example.com\r\n"
        f"Subject: Request number {number}\r\n"
        f"Message-ID: <request-{number}@example.com>\r\n"
        f"Date: Mon, 02 Sep 2024 10:00:00 +0200\r\n"
        f"\r\n{body}\r\n"
    ).encode()


def fetch_once(app: App, account: ImapAccount, folder: str = "INBOX") -> RunCounts:
    client = connect(account)
    try:
        return fetch_folder(app, account, client, folder)
    finally:
        disconnect(client)


def contact_count(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Contact)) or 0


def test_fetched_messages_become_contacts_and_move_to_the_done_folder(
    app: App, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    dovecot.append([message(n) for n in range(5)], user=user)
    account = account_for(dovecot, user, batch_size=2)

    counts = fetch_once(app, account)

    assert (counts.fetched, counts.stored, counts.duplicates, counts.warning) == (5, 5, 0, "")
    assert dovecot.messages(user) == {}
    assert sorted(dovecot.messages(user, "Intake/Done").values()) == sorted(
        message(n) for n in range(5)
    )
    with app.sessions() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id)).all()
        assert [c.source.rsplit("UID=", 1)[1] for c in contacts] == ["1", "2", "3", "4", "5"]
        assert all(c.channel == "email" for c in contacts)
        ledger = session.scalars(select(MailLedgerEntry)).all()
        assert {e.message_id for e in ledger} == {f"<request-{n}@example.com>" for n in range(5)}
        assert all(e.acknowledged_at is not None for e in ledger)
        run = session.scalars(select(FetchRun)).one()
        assert (run.fetched, run.stored, run.duplicates, run.warning) == (5, 5, 0, "")


def test_a_second_pass_finds_nothing_and_new_mail_is_taken(app: App, dovecot: Dovecot) -> None:
    user = dovecot.add_user()
    account = account_for(dovecot, user)
    dovecot.append([message(1)], user=user)
    fetch_once(app, account)
    assert fetch_once(app, account).fetched == 0

    dovecot.append([message(2)], user=user)
    counts = fetch_once(app, account)

    assert (counts.fetched, counts.stored) == (1, 1)
    assert contact_count(app) == 2


def test_flag_mode_leaves_mail_in_the_inbox_flagged_and_reads_it_once(
    app: App, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    account = account_for(dovecot, user, done_folder="", done_flag="$Intake")
    dovecot.append([message(n) for n in range(3)], user=user)

    first = fetch_once(app, account)
    second = fetch_once(app, account)

    assert (first.stored, second.fetched) == (3, 0)
    flags = dovecot.flags(user)
    assert len(flags) == 3
    assert all(b"$Intake" in f and b"\\Seen" not in f for f in flags.values())
    assert contact_count(app) == 3


def test_the_same_bytes_twice_in_the_inbox_are_one_contact_and_both_leave(
    app: App, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    dovecot.append([message(7), message(7)], user=user)

    counts = fetch_once(app, account_for(dovecot, user))

    assert (counts.fetched, counts.stored, counts.duplicates) == (2, 1, 1)
    assert contact_count(app) == 1
    assert dovecot.messages(user) == {}


def test_a_changed_uidvalidity_refetches_without_duplicates(app: App, dovecot: Dovecot) -> None:
    user = dovecot.add_user()
    # Flag mode keeps the messages in the folder, where the new UIDVALIDITY finds them again.
    account = account_for(dovecot, user, done_folder="", done_flag="$Intake")
    dovecot.append([message(n) for n in range(4)], user=user)
    fetch_once(app, account)

    dovecot.change_uidvalidity(user)
    dovecot.append([message(10)], user=user)
    counts = fetch_once(app, account)

    assert counts.uidvalidity_changed
    assert (counts.fetched, counts.stored, counts.duplicates) == (5, 1, 4)
    assert contact_count(app) == 5


def test_after_a_uidvalidity_change_a_rewritten_message_is_known_by_its_message_id(
    app: App, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    account = account_for(dovecot, user, done_folder="", done_flag="$Intake")
    dovecot.append([message(1)], user=user)
    fetch_once(app, account)
    # A server migration that rewrites the stored bytes (an added header) and the UIDs.
    with dovecot.client(user) as client:
        client.select_folder("INBOX")
        client.delete_messages(client.search("ALL"))
        client.expunge()
    dovecot.change_uidvalidity(user)
    dovecot.append([b"X-Migrated: yes\r\n" + message(1)], user=user)

    counts = fetch_once(app, account)

    assert (counts.fetched, counts.stored, counts.duplicates) == (1, 0, 1)
    assert contact_count(app) == 1


def test_an_oversized_message_is_stored_then_quarantined_and_the_inbox_flows_on(
    app: App, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    big = message(2, body="x" * 5000)
    dovecot.append([message(1), big, message(3)], user=user)
    app.settings = replace(app.settings, max_email_bytes=2000)

    counts = fetch_once(app, account_for(dovecot, user))
    process(app)

    assert (counts.fetched, counts.stored, counts.quarantined, counts.warning) == (3, 2, 1, "")
    assert dovecot.messages(user) == {}
    with app.sessions() as session:
        quarantined = session.scalars(
            select(Contact).where(Contact.status == ContactStatus.QUARANTINED)
        ).all()
    assert len(quarantined) == 1
    assert "exceeds the limit of 2,000" in (quarantined[0].quarantine_reason or "")


def test_sample_emails_arrive_whole_with_the_servers_crlf_line_ends(
    app: App, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    samples = sorted(Path(SAMPLES / "email").glob("*.eml"))[:6]
    dovecot.append([p.read_bytes() for p in samples], user=user)

    fetch_once(app, account_for(dovecot, user))

    with app.sessions() as session:
        stored = {app.blobs.get(sha) for sha in session.scalars(select(Contact.sha256))}
    crlf = {b"\r\n".join(p.read_bytes().splitlines()) + b"\r\n" for p in samples}
    assert stored == crlf
