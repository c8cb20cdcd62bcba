"""The scale-out runner on real services: PostgreSQL, Redis and `intake worker` / `intake beat`
subprocesses. Contacts dropped in the hot folders reach their units; a worker killed with SIGKILL
in the middle of a step leaves work the sweeper and another worker finish, each contact once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from kombu.exceptions import OperationalError
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.cli import app as cli
from intake.config import ConfigError, Settings, load_settings
from intake.demo import ManifestRow, measure, read_manifest
from intake.jobs import default_jobs
from intake.scale_out import sweeper
from intake.scale_out.celery_app import build_celery
from intake.scale_out.sweeper import sweep
from tests.conftest import REPO, SAMPLES, base_settings, need, need_tesseract
from workflow.models import Contact, ContactStatus, Stage, Task, utcnow

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Databases 10-15 are tried in turn; the first one that is empty and unclaimed is ours.
PRIVATE_DBS = range(10, 16)
CLAIM_KEY = "intake-test:claimed"


@pytest.fixture(scope="module")
def broker_url() -> Iterator[str]:
    """A Redis database of this module's own, emptied afterwards."""
    try:
        redis.Redis(REDIS_HOST, REDIS_PORT, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        need(False, f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}: {error}")
    for number in PRIVATE_DBS:
        client = redis.Redis(REDIS_HOST, REDIS_PORT, db=number)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, os.getpid(), nx=True, ex=600):
            break
        client.close()
    else:
        pytest.fail(f"no empty Redis database among {list(PRIVATE_DBS)} for the test broker")
    yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
    client.flushdb()
    client.close()


@pytest.fixture
def scale_settings(tmp_path: Path, postgres_url: str, broker_url: str) -> Settings:
    return base_settings(
        tmp_path / "var",
        runner="celery",
        database_url=postgres_url,
        broker_url=broker_url,
        queue_prefix=f"test-{uuid.uuid4().hex[:8]}",
        hot_folder_settle_seconds=0.0,
        sweep_every_seconds=1.0,
    )


@pytest.fixture
def scale_app(scale_settings: Settings) -> Iterator[App]:
    """The database migrated, the organisation loaded and the models trained, as `intake init`."""
    application = open_app(scale_settings)
    application.sync_organisation()
    application.load_classifiers()
    for inbox in (scale_settings.resolved_mail_inbox, scale_settings.resolved_scanner_inbox):
        inbox.mkdir(parents=True, exist_ok=True)
    yield application
    application.close()


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    for name in (
        "home",
        "database_url",
        "model_dir",
        "org_dir",
        "training_dir",
        "retry_base_seconds",
        "runner",
        "broker_url",
        "queue_prefix",
        "hot_folder_settle_seconds",
        "sweep_after_minutes",
        "sweep_every_seconds",
    ):
        env[f"INTAKE_{name.upper()}"] = str(getattr(settings, name))
    env.update(extra)
    return env


class Processes:
    """`intake` subprocesses, each in its own process group so SIGKILL takes its pool too."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, settings: Settings, *args: str, **env: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "intake", *args],
            cwd=REPO,
            env=settings_env(settings, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.running:
            self.kill(process)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    yield running
    running.stop_all()


def stages(app: App) -> dict[str, int]:
    with app.sessions() as session:
        rows = session.execute(select(Contact.stage, func.count()).group_by(Contact.stage))
        return {stage: count for stage, count in rows}


def wait_for(condition: Callable[[], bool], seconds: float, what: Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what()}")


def drop(rows: list[ManifestRow], settings: Settings) -> None:
    for row in rows:
        email = row.channel == "email"
        inbox = settings.resolved_mail_inbox if email else settings.resolved_scanner_inbox
        shutil.copy(row.path, inbox / row.path.name)


def task_counts_per_contact(app: App) -> list[int]:
    """Work tasks (not mailroom verification) each contact produced."""
    with app.sessions() as session:
        ids = session.scalars(select(Contact.id)).all()
        return [
            session.scalar(
                select(func.count())
                .select_from(Task)
                .where(Task.contact_id == contact_id, Task.kind != "verify")
            )
            or 0
            for contact_id in ids
        ]


@pytest.fixture(scope="module")
def manifest() -> list[ManifestRow]:
    return read_manifest(SAMPLES / "manifest.csv")


def test_dropped_emails_and_letters_reach_their_units_through_worker_and_beat(
    scale_app: App, processes: Processes, manifest: list[ManifestRow]
) -> None:
    need_tesseract()
    emails = [r for r in manifest if r.channel == "email"][:6]
    letters = [r for r in manifest if r.kind == "letter"][:1]
    rows = emails + letters
    # The sweeper is kept out of the way: receiving alone must send the contacts on.
    settings = replace(scale_app.settings, sweep_after_minutes=60.0)
    processes.start("worker", settings, "worker", "--concurrency", "2")
    processes.start("beat", settings, "beat")
    drop(rows, settings)

    wait_for(
        lambda: stages(scale_app).get(Stage.ROUTED, 0) == len(rows),
        50,
        lambda: (
            f"{len(rows)} routed contacts; stages now {stages(scale_app)}\n"
            + processes.log("worker")[-3000:]
        ),
    )
    with scale_app.sessions() as session:
        accuracy = measure(session, rows)
    assert accuracy.unit_share >= 0.8, accuracy.misses
    assert task_counts_per_contact(scale_app) == [1] * len(rows)


def test_a_worker_killed_mid_step_leaves_work_the_sweeper_and_another_worker_finish(
    scale_app: App, processes: Processes, manifest: list[ManifestRow]
) -> None:
    rows = [r for r in manifest if r.channel == "email"][8:18]
    settings = replace(scale_app.settings, sweep_after_minutes=0.05)
    # Worker A's pool process is SIGKILLed on every route step, before it commits.
    doomed = processes.start(
        "worker-a", settings, "worker", "--concurrency", "1", INTAKE_FAILPOINT="route.before_commit"
    )
    processes.start("beat", settings, "beat")
    drop(rows, settings)
    wait_for(
        lambda: stages(scale_app).get(Stage.CLASSIFIED, 0) >= 3,
        40,
        lambda: (
            f"contacts stuck at classified; stages now {stages(scale_app)}\n"
            + processes.log("worker-a")[-3000:]
        ),
    )
    assert stages(scale_app).get(Stage.ROUTED, 0) == 0
    processes.kill(doomed)

    processes.start("worker-b", settings, "worker", "--concurrency", "1")
    wait_for(
        lambda: stages(scale_app) == {Stage.ROUTED: len(rows)},
        40,
        lambda: (
            f"{len(rows)} routed contacts; stages now {stages(scale_app)}\n"
            + processes.log("worker-b")[-3000:]
        ),
    )
    assert "sweeper: re-sent" in processes.log("worker-b")
    assert task_counts_per_contact(scale_app) == [1] * len(rows)
    with scale_app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == len(rows)


def queue_length(broker_url: str, queue: str) -> int:
    client = redis.Redis.from_url(broker_url)
    try:
        return int(client.llen(queue))
    finally:
        client.close()


def test_the_sweeper_resends_only_contacts_stuck_without_a_pending_retry(
    scale_app: App, manifest: list[ManifestRow]
) -> None:
    emails = [r for r in manifest if r.channel == "email"][:3]
    received = ingest_paths(scale_app, [r.path for r in emails])
    stuck, retrying, _fresh = (r.contact_id for r in received)
    now = utcnow()
    with scale_app.sessions() as session, session.begin():
        session.execute(
            update(Contact)
            .where(Contact.id.in_([stuck, retrying]))
            .values(updated_at=now - timedelta(hours=1))
        )
        session.execute(
            update(Contact)
            .where(Contact.id == retrying)
            .values(next_attempt_at=now + timedelta(minutes=5), attempts=1)
        )
    celery = build_celery(scale_app.settings)
    extract_queue = f"{scale_app.settings.queue_prefix}.extract"

    report = sweep(scale_app, celery)

    assert report.resent == {"extract": [stuck]}
    assert queue_length(scale_app.settings.broker_url, extract_queue) == 1
    # Sent once, the contact is left alone for another period.
    assert sweep(scale_app, celery).resent == {}
    assert queue_length(scale_app.settings.broker_url, extract_queue) == 1


def test_a_contact_that_never_finishes_its_step_is_quarantined_instead_of_resent_for_ever(
    scale_app: App, manifest: list[ManifestRow]
) -> None:
    email = next(r for r in manifest if r.channel == "email")
    (received,) = ingest_paths(scale_app, [email.path])
    celery = build_celery(scale_app.settings)
    extract_queue = f"{scale_app.settings.queue_prefix}.extract"
    max_attempts = scale_app.settings.max_attempts

    def stall() -> None:
        with scale_app.sessions() as session, session.begin():
            session.execute(
                update(Contact)
                .where(Contact.id == received.contact_id)
                .values(updated_at=utcnow() - timedelta(hours=1))
            )

    for delivery in range(1, max_attempts):
        stall()
        assert sweep(scale_app, celery).resent == {"extract": [received.contact_id]}, delivery
    stall()
    report = sweep(scale_app, celery)

    assert report.resent == {}
    assert report.quarantined == [received.contact_id]
    assert queue_length(scale_app.settings.broker_url, extract_queue) == max_attempts - 1
    with scale_app.sessions() as session:
        contact = session.get(Contact, received.contact_id)
        assert contact is not None
        assert contact.status == ContactStatus.QUARANTINED
        assert contact.quarantine_reason is not None
        assert f"not finished after {max_attempts} deliveries" in contact.quarantine_reason


def _stall(app: App, contact_id: int) -> None:
    """Make the contact look stuck: not moved for an hour."""
    with app.sessions() as session, session.begin():
        session.execute(
            update(Contact)
            .where(Contact.id == contact_id)
            .values(updated_at=utcnow() - timedelta(hours=1))
        )


def test_a_contact_a_worker_advances_while_the_sweeper_looks_is_neither_counted_nor_resent(
    scale_app: App, manifest: list[ManifestRow], monkeypatch: pytest.MonkeyPatch
) -> None:
    email = next(r for r in manifest if r.channel == "email")
    (received,) = ingest_paths(scale_app, [email.path])
    _stall(scale_app, received.contact_id)
    found_stuck = sweeper.stuck_contacts

    def found_then_advanced_by_a_worker(*args: object) -> dict[str, list[int]]:
        stuck = found_stuck(*args)  # type: ignore[arg-type]
        # A worker commits the step between the sweeper's look and its update.
        with scale_app.sessions() as session, session.begin():
            session.execute(
                update(Contact)
                .where(Contact.id == received.contact_id)
                .values(stage=Stage.EXTRACTED, updated_at=utcnow())
            )
        return stuck

    monkeypatch.setattr(sweeper, "stuck_contacts", found_then_advanced_by_a_worker)
    celery = build_celery(scale_app.settings)

    report = sweep(scale_app, celery)

    assert report.resent == {}
    extract_queue = f"{scale_app.settings.queue_prefix}.extract"
    assert queue_length(scale_app.settings.broker_url, extract_queue) == 0
    with scale_app.sessions() as session:
        assert session.get_one(Contact, received.contact_id).attempts == 0


def test_a_sweep_whose_send_fails_counts_no_attempt_and_the_next_sweep_resends(
    scale_app: App, manifest: list[ManifestRow]
) -> None:
    email = next(r for r in manifest if r.channel == "email")
    (received,) = ingest_paths(scale_app, [email.path])
    _stall(scale_app, received.contact_id)
    broken = build_celery(scale_app.settings)

    def broker_down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to redis: Connection refused")

    broken.send_task = broker_down  # type: ignore[method-assign]

    with pytest.raises(OperationalError):
        sweep(scale_app, broken)

    with scale_app.sessions() as session:
        assert session.get_one(Contact, received.contact_id).attempts == 0
    report = sweep(scale_app, build_celery(scale_app.settings))
    assert report.resent == {"extract": [received.contact_id]}


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"INTAKE_RUNNER": "embedded"}, "'runner'"),
        ({"INTAKE_DATABASE_URL": ""}, "'database_url' points at SQLite"),
        ({"INTAKE_BROKER_URL": "redis://127.0.0.1:1/0"}, "'broker_url'"),
    ],
)
def test_worker_and_beat_refuse_to_start_naming_the_setting_to_fix(
    scale_settings: Settings, overrides: dict[str, str], named: str
) -> None:
    env = settings_env(scale_settings, **overrides)
    for command in ("worker", "beat"):
        result = CliRunner().invoke(cli, [command], env=env)
        assert result.exit_code == 2, result.output
        assert named in result.output


def test_the_runner_setting_takes_only_embedded_or_celery(tmp_path: Path) -> None:
    empty = tmp_path / "intake.toml"
    empty.write_text("")
    assert load_settings(empty, {"INTAKE_RUNNER": "celery"}).runner == "celery"
    assert load_settings(empty, {}).runner == "embedded"
    with pytest.raises(ConfigError, match="INTAKE_RUNNER: setting 'runner': expected"):
        load_settings(empty, {"INTAKE_RUNNER": "kubernetes"})


def test_a_repeated_stage_message_does_nothing_and_sends_nothing_on(
    scale_app: App, manifest: list[ManifestRow]
) -> None:
    email = next(r for r in manifest if r.channel == "email")
    (received,) = ingest_paths(scale_app, [email.path])
    celery = build_celery(scale_app.settings)
    extract = celery.tasks["intake.stage.extract"]
    classify_queue = f"{scale_app.settings.queue_prefix}.classify"

    assert extract([received.contact_id]) == "advanced 1"
    assert extract([received.contact_id]) == "skipped 1"

    assert queue_length(scale_app.settings.broker_url, classify_queue) == 1
    with scale_app.sessions() as session:
        assert session.get(Contact, received.contact_id).stage == Stage.EXTRACTED


def test_under_the_celery_runner_intake_serve_leaves_the_jobs_to_beat(
    settings: Settings,
) -> None:
    for runner, expected in (("embedded", True), ("celery", False)):
        application = open_app(replace(settings, runner=runner))
        try:
            names = [job.name for job in default_jobs(application)]
        finally:
            application.close()
        assert ("pipeline" in names) is expected, (runner, names)
