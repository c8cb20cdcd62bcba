"""Shared fixtures: settings in a temporary home, real PostgreSQL databases, trained models."""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.app import App, open_app
from intake.config import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLES = REPO / "samples"
# Models trained once per machine for the tests; retrained only when the corpus changes.
TEST_MODELS = REPO / "var" / "test-models"
POSTGRES_ADMIN_URL = os.environ.get(
    "INTAKE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def services_required() -> bool:
    return os.environ.get("INTAKE_REQUIRE_SERVICES") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when a service or binary is missing, unless CI demands every service."""
    if condition:
        return
    if services_required():
        pytest.fail(f"{reason} (INTAKE_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def need_tesseract() -> None:
    need(shutil.which("tesseract") is not None, "the tesseract binary is not installed")


def base_settings(home: Path, **overrides: object) -> Settings:
    settings = Settings(
        home=home,
        org_dir=SAMPLES / "org",
        training_dir=SAMPLES / "training",
        model_dir=str(TEST_MODELS),
        retry_base_seconds=0.0,
    )
    return replace(settings, **overrides)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    # A command run in-process (typer's CliRunner) sets Intake's collector thresholds for the
    # whole process; each test starts from the thresholds the run started with.
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return base_settings(tmp_path / "var")


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    application = open_app(settings)
    yield application
    application.close()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as error:
        need(False, f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}")
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"intake_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(postgres_server).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a test once on the embedded SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'intake.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def mailbox(app: App, tmp_path: Path) -> Path:
    """A folder to drop messages in, with the organisation's units in the database."""
    app.sync_organisation()
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder
