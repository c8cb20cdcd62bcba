"""Every `intake` command runs with the collector thresholds of `intake.collector`."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intake.cli import app
from intake.collector import THRESHOLDS, freeze_startup_objects


@pytest.fixture
def python_defaults() -> Iterator[None]:
    # The thresholds the test found are restored by conftest's `_collector_as_found`.
    gc.set_threshold(700, 10, 10)
    yield
    gc.unfreeze()


def test_an_intake_command_collects_in_larger_steps(
    python_defaults: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTAKE_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    assert gc.get_threshold() == THRESHOLDS
    assert THRESHOLDS[0] > 700


def test_frozen_start_up_objects_are_left_out_of_collections(python_defaults: None) -> None:
    frozen_before = gc.get_freeze_count()
    loaded_at_start_up = [[n] for n in range(1000)]  # lists: objects the collector tracks
    freeze_startup_objects()
    assert gc.get_freeze_count() - frozen_before >= len(loaded_at_start_up)
    tracked = {id(o) for o in gc.get_objects()}
    assert id(loaded_at_start_up) not in tracked
    assert not any(id(item) in tracked for item in loaded_at_start_up)
