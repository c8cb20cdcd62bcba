"""A fetcher SIGKILLed between fetch and commit, or between commit and move, loses nothing and
stores nothing twice: afterwards the mailbox and the database agree.

Two kinds of trials. A few run the real `python -m intake fetch` command. The randomized ones
(over 100) fork a child process that runs the same fetch code with INTAKE_FAILPOINT set; the
parent has the imports loaded already, so a trial takes tens of milliseconds instead of the
seconds the command needs to import spaCy.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.app import open_app
from intake.channels.imap_watch import FolderFailure, fetch_accounts_once
from intake.config import Settings
from intake.config_mail import ImapAccount
from intake.secrets import Secret
from tests.cli_runner import run_intake
from tests.conftest import base_settings
from tests.dovecot import Dovecot, dovecot_fixture
from workflow.models import Contact, MailLedgerEntry

pytestmark = pytest.mark.slow

dovecot = dovecot_fixture()
KILLED = -signal.SIGKILL
DONE = "Intake/Done"
SEED = 20240902


def message(number: int) -> bytes:
    return (
        f"From: customer{number}@example.com\r\nTo: support@example.com\r\n"
        f"Subject: Order {number} arrived broken\r\nMessage-ID: <order-{number}@example.com>\r\n"
        f"\r\nThe parcel for order {number} was damaged.\r\n"
    ).encode()


def account(server: Dovecot, user: str) -> ImapAccount:
    return ImapAccount(
        name="support",
        host="127.0.0.1",
        port=server.port,
        security="none",
        username=user,
        password=Secret(literal=server.users[user]),
        done_folder=DONE,
        batch_size=2,
    )


def _fetch_in_child(settings: Settings, failpoint: str) -> None:
    if failpoint:
        os.environ["INTAKE_FAILPOINT"] = failpoint
    # The parent brought the schema up to date; checking it again costs a child 0.1 s.
    app = open_app(settings, migrate_schema=False)
    failures = [
        r for r in fetch_accounts_once(app, settings.imap_accounts) if isinstance(r, FolderFailure)
    ]
    os._exit(1 if failures else 0)


def fetch_in_child(settings: Settings, failpoint: str = "") -> int:
    """Run one fetch in a forked process; its exit code (-9 when the failpoint killed it)."""
    child = multiprocessing.get_context("fork").Process(
        target=_fetch_in_child, args=(settings, failpoint)
    )
    child.start()
    child.join(60)
    assert child.exitcode is not None, "the fetcher hung"
    return child.exitcode


def assert_agreement(server: Dovecot, user: str, home: Path, appended: list[bytes]) -> None:
    """Every appended message is a contact, exactly once, and sits once in the done folder."""
    inbox = server.messages(user)
    done = Counter(server.messages(user, DONE).values())
    assert inbox == {}, f"{len(inbox)} messages left in the inbox"
    assert done == Counter(appended), "the done folder is not exactly the appended messages"
    app = open_app(base_settings(home))
    try:
        with app.sessions() as session:
            shas = list(session.scalars(select(Contact.sha256)))
            unacknowledged = session.scalar(
                select(func.count())
                .select_from(MailLedgerEntry)
                .where(MailLedgerEntry.acknowledged_at.is_(None))
            )
    finally:
        app.close()
    from hashlib import sha256

    assert sorted(shas) == sorted(sha256(m).hexdigest() for m in appended), "lost or duplicated"
    assert unacknowledged == 0


def assert_nothing_lost_while_interrupted(
    server: Dovecot, user: str, home: Path, appended: list[bytes]
) -> None:
    """Right after a kill: what left the inbox was committed; nothing vanished or doubled."""
    inbox = list(server.messages(user).values())
    done = list(server.messages(user, DONE).values())
    assert Counter(inbox + done) == Counter(appended)
    app = open_app(base_settings(home))
    try:
        with app.sessions() as session:
            shas = set(session.scalars(select(Contact.sha256)))
    finally:
        app.close()
    from hashlib import sha256

    assert all(sha256(m).hexdigest() in shas for m in done), "moved before it was committed"


def test_randomized_kills_between_fetch_commit_and_move_lose_and_duplicate_nothing(
    tmp_path: Path, dovecot: Dovecot
) -> None:
    user = dovecot.add_user()
    home = tmp_path / "var"
    settings = base_settings(home, imap_accounts=(account(dovecot, user),))
    open_app(settings).close()
    randomness = random.Random(SEED)
    appended: list[bytes] = []
    kills = Counter[str]()
    trials = 0
    while min(kills["imap.before_commit"], kills["imap.before_move"]) < 50 and trials < 400:
        trials += 1
        new = [message(len(appended) + n) for n in range(randomness.randint(1, 5))]
        dovecot.append(new, user=user)
        appended.extend(new)
        point = randomness.choice(["imap.before_commit", "imap.before_move"])
        nth = randomness.randint(1, 3)
        code = fetch_in_child(settings, f"{point}:{nth}")
        if code == KILLED:
            kills[point] += 1
            assert_nothing_lost_while_interrupted(dovecot, user, home, appended)
        else:
            assert code == 0
        assert fetch_in_child(settings) == 0
        assert_agreement(dovecot, user, home, appended)

    assert kills["imap.before_commit"] >= 50 and kills["imap.before_move"] >= 50


@pytest.mark.parametrize("failpoint", ["imap.before_commit:2", "imap.before_move:1"])
def test_the_fetch_command_killed_mid_run_resumes_without_loss_or_duplicates(
    tmp_path: Path, dovecot: Dovecot, failpoint: str
) -> None:
    user = dovecot.add_user()
    home = tmp_path / "var"
    config = tmp_path / "intake.toml"
    config.write_text(
        f"""[[imap_accounts]]
name = "support"
host = "127.0.0.1"
port = {dovecot.port}
security = "none"
username = "{user}"
password_env = "TEST_SUPPORT_PASSWORD"
done_folder = "{DONE}"
batch_size = 2
"""
    )
    appended = [message(n) for n in range(5)]
    dovecot.append(appended, user=user)
    env = {"INTAKE_CONFIG": str(config), "TEST_SUPPORT_PASSWORD": dovecot.users[user]}

    killed = run_intake(home, "fetch", INTAKE_FAILPOINT=failpoint, **env)
    assert killed.returncode == KILLED, killed.stdout + killed.stderr
    assert_nothing_lost_while_interrupted(dovecot, user, home, appended)

    resumed = run_intake(home, "fetch", **env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "IMAP support/INBOX: fetched" in resumed.stdout
    assert_agreement(dovecot, user, home, appended)
