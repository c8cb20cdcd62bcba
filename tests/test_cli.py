"""The `intake` command as an operator uses it, and the errors it gives for wrong input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_runner import run_intake
from tests.conftest import SAMPLES


def _broken_org(tmp_path: Path) -> Path:
    org = tmp_path / "org"
    shutil.copytree(SAMPLES / "org", org)
    units = org / "units.yaml"
    text = units.read_text()
    assert "    calendar: office\n" in text
    units.write_text(text.replace("    calendar: office\n", "    calender: office\n", 1))
    return org


def test_a_typo_in_the_organisation_stops_intake_with_file_line_and_key(tmp_path: Path) -> None:
    org = _broken_org(tmp_path)
    result = run_intake(tmp_path / "var", "init", INTAKE_ORG_DIR=str(org))
    assert result.returncode == 2
    line = next(
        number
        for number, text in enumerate((org / "units.yaml").read_text().splitlines(), 1)
        if "calender" in text
    )
    assert "Organisation error" in result.stderr
    assert f"units.yaml, line {line}: units[0]" in result.stderr
    assert "calender" in result.stderr


def test_a_wrong_setting_stops_intake_with_the_variable_named(tmp_path: Path) -> None:
    result = run_intake(tmp_path / "var", "tasks", "list", INTAKE_WORKERS="lots")
    assert result.returncode == 2
    assert "INTAKE_WORKERS" in result.stderr and "expected a whole number" in result.stderr


@pytest.mark.slow
def test_ingested_emails_show_up_in_their_units_task_list(tmp_path: Path) -> None:
    home = tmp_path / "var"
    mail = tmp_path / "mail"
    mail.mkdir()
    for name in ("en_claim_01.eml", "en_claim_02.eml", "en_billing_01.eml"):
        shutil.copy(SAMPLES / "email" / name, mail / name)

    ingested = run_intake(home, "ingest", str(mail), "--process")
    assert ingested.returncode == 0, ingested.stderr
    assert "Stored 3, already known 0, refused 0." in ingested.stdout

    listed = run_intake(home, "tasks", "list", "--unit", "claims")
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if "│ claims" in line]
    assert len(rows) == 2
    assert all("answer" in row and "C-0000" in row for row in rows)

    unknown = run_intake(home, "tasks", "list", "--unit", "claimz")
    assert unknown.returncode == 2
    assert "Unknown unit 'claimz'" in unknown.stderr


def test_ingesting_a_path_that_does_not_exist_says_so(tmp_path: Path) -> None:
    result = run_intake(tmp_path / "var", "ingest", str(tmp_path / "nowhere.eml"))
    assert result.returncode == 2
    assert "Not found" in result.stderr and "nowhere.eml" in result.stderr
