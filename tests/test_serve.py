"""`intake serve` keeps taking dropped files and routing them until it is told to stop."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.app import open_app
from tests.cli_runner import intake_env
from tests.conftest import REPO, SAMPLES, base_settings
from workflow.models import Contact

pytestmark = pytest.mark.slow


def _routed(home: Path) -> list[str]:
    app = open_app(base_settings(home))
    try:
        with app.sessions() as session:
            return list(session.scalars(select(Contact.stage)))
    finally:
        app.close()


def test_a_dropped_email_is_routed_while_serving_and_sigterm_stops_cleanly(
    tmp_path: Path,
) -> None:
    home = tmp_path / "var"
    server = subprocess.Popen(
        [sys.executable, "-m", "intake", "serve", "--pipeline-every", "0.5"],
        cwd=REPO,
        env=intake_env(home, INTAKE_HOT_FOLDER_SETTLE_SECONDS="0.2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        inbox = home / "inbox" / "mail"
        deadline = time.monotonic() + 60
        while not inbox.is_dir() and time.monotonic() < deadline:
            time.sleep(0.2)
        shutil.copy(SAMPLES / "email" / "en_delivery_01.eml", inbox / "arrived.eml")
        while time.monotonic() < deadline and _routed(home) != ["routed"]:
            time.sleep(0.5)
        assert _routed(home) == ["routed"]
        assert (inbox / "done" / "arrived.eml").is_file()
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert "Stopped." in output
