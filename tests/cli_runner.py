"""Running the real `intake` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLES, TEST_MODELS


def intake_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        INTAKE_HOME=str(home),
        INTAKE_ORG_DIR=str(SAMPLES / "org"),
        INTAKE_TRAINING_DIR=str(SAMPLES / "training"),
        INTAKE_MODEL_DIR=str(TEST_MODELS),
        INTAKE_RETRY_BASE_SECONDS="0",
    )
    env.update(extra)
    return env


def run_intake(
    home: Path, *args: str, timeout: float = 300, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "intake", *args],
        cwd=REPO,
        env=intake_env(home, **extra_env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
