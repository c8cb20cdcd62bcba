"""Watching folders: IDLE push, polling, IDLE renewal, and recovery from a restarted server."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.app import App
from intake.channels.imap_watch import FolderWatcher, fetch_accounts_once
from intake.config_mail import ImapAccount
from intake.secrets import Secret
from tests.cli_runner import intake_env
from tests.conftest import REPO
from tests.dovecot import Dovecot, account_for, dovecot_fixture
from workflow.models import Contact

dovecot = dovecot_fixture()


def message(number: int) -> bytes:
    return (
        f"From: caller{number}@example.com\r\nSubject: Warranty question {number}\r\n"
        f"Message-ID: <warranty-{number}@example.com>\r\n\r\nIs my fridge still covered?\r\n"
    ).encode()


def contacts(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Contact)) or 0


def wait_for(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds until `condition` held; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    pytest.fail(f"not reached within {seconds} s")


@pytest.fixture
def watch(app: App) -> Iterator[Callable[..., FolderWatcher]]:
    stop = threading.Event()
    started: list[FolderWatcher] = []

    def start(account: ImapAccount, **options: float) -> FolderWatcher:
        watcher = FolderWatcher(
            app,
            account,
            "INBOX",
            stop,
            idle_renew_seconds=options.get("idle_renew_seconds", 1500.0),
            backoff_max_seconds=options.get("backoff_max_seconds", 2.0),
        )
        watcher.start()
        started.append(watcher)
        return watcher

    yield start
    stop.set()
    for watcher in started:
        watcher.join(10)
        assert not watcher.is_alive(), "a watcher did not stop"


def test_idle_sees_an_append_from_another_connection_within_seconds(
    app: App, dovecot: Dovecot, watch: Callable[..., FolderWatcher]
) -> None:
    user = dovecot.add_user()
    watcher = watch(account_for(dovecot, user, idle=True, poll_seconds=600.0))
    wait_for(lambda: watcher.passes >= 1, 10)

    dovecot.append([message(1)], user=user)

    assert wait_for(lambda: contacts(app) == 1, 5) < 5
    wait_for(lambda: dovecot.messages(user) == {}, 5)


def test_polling_takes_new_mail_at_the_interval(
    app: App, dovecot: Dovecot, watch: Callable[..., FolderWatcher]
) -> None:
    user = dovecot.add_user()
    watcher = watch(account_for(dovecot, user, idle=False, poll_seconds=0.5))
    wait_for(lambda: watcher.passes >= 1, 10)

    dovecot.append([message(2), message(3)], user=user)

    wait_for(lambda: contacts(app) == 2, 5)


def test_idle_is_renewed_before_the_server_limit(
    app: App, dovecot: Dovecot, watch: Callable[..., FolderWatcher]
) -> None:
    user = dovecot.add_user()
    watcher = watch(account_for(dovecot, user, idle=True), idle_renew_seconds=0.5)

    # Each renewal ends IDLE, reads the folder once more, and starts IDLE again.
    wait_for(lambda: watcher.passes >= 4, 10)
    assert watcher.reconnections == 0


@pytest.mark.slow
def test_a_watcher_recovers_by_itself_when_dovecot_restarts(
    app: App, dovecot: Dovecot, watch: Callable[..., FolderWatcher]
) -> None:
    user = dovecot.add_user()
    watcher = watch(account_for(dovecot, user, idle=True))
    wait_for(lambda: watcher.passes >= 1, 10)
    dovecot.append([message(4)], user=user)
    wait_for(lambda: contacts(app) == 1, 10)

    dovecot.restart()
    # Generous: under CI load a restart plus one backoff step can take several seconds.
    wait_for(lambda: watcher.reconnections >= 1, 30)
    dovecot.append([message(5)], user=user)

    wait_for(lambda: contacts(app) == 2, 15)
    assert dovecot.messages(user) == {}


def test_an_account_with_a_wrong_password_is_reported_and_others_still_fetched(
    app: App, dovecot: Dovecot
) -> None:
    good, bad = dovecot.add_user(), dovecot.add_user()
    dovecot.append([message(6)], user=good)
    accounts = (
        account_for(dovecot, bad, password=Secret(literal="not-the-password")),
        account_for(dovecot, good),
    )

    results = fetch_accounts_once(app, accounts)

    failure, fetched = results
    assert failure.folder == "INBOX"
    assert f"IMAP account '{bad}'" in getattr(failure, "reason", "")
    assert "refused" in getattr(failure, "reason", "")
    assert getattr(fetched, "stored", None) == 1


@pytest.mark.slow
def test_fetch_watch_stops_cleanly_on_sigterm(tmp_path: Path, dovecot: Dovecot) -> None:
    user = dovecot.add_user()
    config = tmp_path / "intake.toml"
    config.write_text(
        f'[[imap_accounts]]\nname = "support"\nhost = "127.0.0.1"\nport = {dovecot.port}\n'
        f'security = "none"\nusername = "{user}"\npassword = "{dovecot.users[user]}"\n'
        f'folders = ["INBOX", "Archive"]\n'
    )
    dovecot.append([message(7)], user=user, folder="Archive")
    env = intake_env(tmp_path / "var", INTAKE_CONFIG=str(config))
    watcher = subprocess.Popen(
        [sys.executable, "-m", "intake", "fetch", "--watch"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: dovecot.messages(user, "Archive") == {}, 30)
        dovecot.append([message(8)], user=user)
        wait_for(lambda: dovecot.messages(user) == {}, 10)
    finally:
        watcher.send_signal(signal.SIGTERM)
        output, _ = watcher.communicate(timeout=15)
    assert watcher.returncode == 0, output
    assert "Watching the drop folders and 2 IMAP folder(s)" in output
    assert "Stopped." in output
    assert len(dovecot.messages(user, "Intake/Done")) == 2
