"""The task commands as an agent uses them: list, claim, answer, callback, escalate, erase."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_runner import run_intake
from tests.conftest import SAMPLES


def intake(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A wide terminal, so table rows are not wrapped.
    return run_intake(home, *args, COLUMNS="200")


@pytest.mark.slow
def test_an_agent_claims_answers_and_the_call_centre_calls_back(tmp_path: Path) -> None:
    home = tmp_path / "var"
    mail = tmp_path / "mail"
    mail.mkdir()
    shutil.copy(SAMPLES / "email" / "en_claim_01.eml", mail)
    assert intake(home, "ingest", str(mail), "--process").returncode == 0

    listed = intake(home, "tasks", "list", "--unit", "claims")
    assert "slack" in listed.stdout and "C-000001" in listed.stdout

    claimed = intake(home, "tasks", "claim", "--unit", "claims", "--agent", "m.zielinska")
    assert claimed.returncode == 0, claimed.stderr
    assert "Claimed task 1 until" in claimed.stdout

    other = intake(home, "tasks", "complete", "1", "--agent", "t.lewandowski")
    assert other.returncode == 2 and "t.lewandowski does not hold it" in other.stderr

    answered = intake(
        home, "tasks", "answer", "1", "--agent", "m.zielinska", "--text", "A technician comes."
    )
    assert answered.returncode == 0, answered.stderr
    assert "emma.clarke@yahoo.co.uk waits in the outbox" in answered.stdout
    assert "Callback task 2 created" in answered.stdout

    outcome = intake(
        home, "callbacks", "outcome", "2", "--agent", "b.mazur", "--outcome", "reached"
    )
    assert "the case closed" in outcome.stdout, outcome.stderr

    clock = intake(home, "escalate")
    assert clock.returncode == 0 and "Warned 0, escalated 0" in clock.stdout
    erased = intake(home, "erase", "--customer", "1", "--by", "dpo")
    assert erased.returncode == 0 and "Customer 1 erased: 1 contacts" in erased.stdout
