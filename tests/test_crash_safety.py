"""A process killed at the worst moment loses nothing and duplicates nothing when run again."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.app import open_app
from tests.cli_runner import run_intake
from tests.conftest import SAMPLES, base_settings
from workflow.models import Case, Contact, Task

pytestmark = pytest.mark.slow

KILLED = -signal.SIGKILL


def _some_emails(folder: Path, count: int = 8) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted((SAMPLES / "email").glob("*.eml"))[:count]
    return [Path(shutil.copy(source, folder / source.name)) for source in sources]


def _state(home: Path) -> tuple[int, int, int, dict[str, int]]:
    app = open_app(base_settings(home))
    try:
        with app.sessions() as session:
            contacts = session.scalar(select(func.count()).select_from(Contact)) or 0
            cases = session.scalar(select(func.count()).select_from(Case)) or 0
            tasks = session.scalar(select(func.count()).select_from(Task)) or 0
            stages = dict(
                session.execute(select(Contact.stage, func.count()).group_by(Contact.stage)).all()
            )
        return contacts, cases, tasks, stages
    finally:
        app.close()


@pytest.mark.parametrize(
    # Stages commit in batches (extract 4, classify 64, route 32): the 8 emails give two extract
    # commits and one of each other stage, so these points are the last commit of each stage.
    "failpoint",
    ["extract.before_commit:2", "classify.before_commit:1", "route.before_commit:1"],
)
def test_killed_mid_stage_resumes_without_duplicates(tmp_path: Path, failpoint: str) -> None:
    home = tmp_path / "var"
    emails = _some_emails(tmp_path / "mail")
    assert run_intake(home, "ingest", str(tmp_path / "mail")).returncode == 0

    killed = run_intake(home, "process", INTAKE_FAILPOINT=failpoint)
    assert killed.returncode == KILLED, killed.stderr
    contacts, _, _, stages = _state(home)
    assert contacts == len(emails)
    assert stages.get("routed", 0) < len(emails)

    resumed = run_intake(home, "process")
    assert resumed.returncode == 0, resumed.stderr
    contacts, cases, tasks, stages = _state(home)
    assert (contacts, stages) == (len(emails), {"routed": len(emails)})
    # One task per contact; replies may share a case, never more cases than contacts.
    assert tasks == len(emails)
    assert cases <= len(emails)


def test_killed_while_storing_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "var"
    emails = _some_emails(tmp_path / "mail", count=5)
    killed = run_intake(
        home, "ingest", str(tmp_path / "mail"), INTAKE_FAILPOINT="receive.before_commit:3"
    )
    assert killed.returncode == KILLED
    assert _state(home)[0] == 2
    again = run_intake(home, "ingest", str(tmp_path / "mail"))
    assert again.returncode == 0, again.stderr
    assert "Stored 3, already known 2" in again.stdout
    assert _state(home)[0] == len(emails)


def test_hot_folder_file_killed_between_commit_and_move_is_taken_once(tmp_path: Path) -> None:
    home = tmp_path / "var"
    inbox = home / "inbox" / "mail"
    emails = _some_emails(inbox, count=3)
    for email in emails:
        # Files must have settled before the hot folder takes them.
        email.touch()
        old = email.stat().st_mtime - 10

        os.utime(email, (old, old))

    killed = run_intake(home, "fetch", INTAKE_FAILPOINT="hot_folder.before_move:2")
    assert killed.returncode == KILLED
    # The second file is committed but was not moved yet.
    assert len(list((inbox / "done").iterdir())) == 1
    assert _state(home)[0] == 2

    again = run_intake(home, "fetch")
    assert again.returncode == 0, again.stderr
    assert "Stored 1, already known 1" in again.stdout
    assert sorted(p.name for p in (inbox / "done").iterdir()) == sorted(e.name for e in emails)
    assert _state(home)[0] == 3


def test_a_contact_that_kills_the_process_every_time_is_quarantined_and_spares_its_batch(
    tmp_path: Path,
) -> None:
    home = tmp_path / "var"
    _some_emails(tmp_path / "mail", count=3)
    assert run_intake(home, "ingest", str(tmp_path / "mail")).returncode == 0
    crash, three_attempts = "extract.before_commit:1", "3"

    # The first crash takes the whole batch; after it, contacts tried before run one at a time,
    # so from then on only the first contact (the one that "crashes") is lost each run.
    for _ in range(3):
        killed = run_intake(
            home, "process", INTAKE_FAILPOINT=crash, INTAKE_MAX_ATTEMPTS=three_attempts
        )
        assert killed.returncode == KILLED, killed.stderr
    resumed = run_intake(home, "process", INTAKE_MAX_ATTEMPTS=three_attempts)

    assert resumed.returncode == 0, resumed.stderr
    app = open_app(base_settings(home))
    try:
        with app.sessions() as session:
            contacts = session.scalars(select(Contact).order_by(Contact.id)).all()
            first, *others = contacts
            assert first.status == "quarantined"
            assert first.quarantine_reason is not None
            assert "extract: did not finish in 3 attempts" in first.quarantine_reason
            assert [c.stage for c in others] == ["routed", "routed"]
    finally:
        app.close()
