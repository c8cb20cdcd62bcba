"""`intake worker`, `intake beat` and `intake dispatch`: the scale-out runner (Celery + Redis).

Celery is an optional extra (`pip install -e '.[scale]'`), so it is imported only when one of
these commands runs; the rest of the CLI works without it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from intake.cli_common import ConfigOption
from intake.cli_common import fail as _fail
from intake.collector import freeze_startup_objects
from intake.config import ConfigError, Settings, load_settings

console = Console()


def _checked(config: Path | None) -> Settings:
    """Settings that passed every check of the celery runner."""
    try:
        settings = load_settings(config)
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}") from None
    try:
        from intake.scale_out.preflight import ScaleOutError, check_all
    except ImportError as error:
        raise _fail(
            f"The celery runner needs the 'scale' extra ({error}): pip install -e '.[scale]'"
        ) from None
    try:
        check_all(settings)
    except ScaleOutError as error:
        raise _fail(f"Cannot start the celery runner: {error}") from None
    return settings


def _queues(settings: Settings, names: str) -> list[str]:
    from intake.scale_out.queues import QUEUES, queue_name

    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in QUEUES]
    if unknown or not wanted:
        named = ", ".join(unknown) or "(none)"
        raise _fail(f"Unknown queue(s) {named}; known: {', '.join(QUEUES)}")
    return [queue_name(settings, name) for name in wanted]


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        queues: Annotated[
            str,
            typer.Option(help="Queues to take work from: extract, classify, route, periodic."),
        ] = "extract,classify,route,periodic",
        concurrency: Annotated[
            int, typer.Option(min=0, help="Worker processes; 0: the 'workers' setting.")
        ] = 0,
        config: ConfigOption = None,
    ) -> None:
        """Run a Celery worker of the scale-out runner (runner = "celery"); Ctrl-C stops it."""
        settings = _checked(config)
        queue_names = _queues(settings, queues)
        from intake.scale_out.celery_app import build_celery
        from intake.scale_out.process_app import ProcessApp

        runtime = ProcessApp(settings)
        runtime.warm_up()
        celery = build_celery(settings, runtime)
        # Before Celery forks its pool: collections in the children leave the models alone.
        freeze_startup_objects()
        processes = concurrency or settings.workers
        celery.worker_main(
            [
                "worker",
                f"--queues={','.join(queue_names)}",
                f"--concurrency={processes}",
                # Several workers on one machine need names of their own.
                f"--hostname=intake-{os.getpid()}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ]
        )

    @app.command()
    def beat(config: ConfigOption = None) -> None:
        """Run Celery beat: the channels, the clock, the outbox, the sweeper. Run exactly one."""
        settings = _checked(config)
        from intake.scale_out.celery_app import build_celery

        settings.home.mkdir(parents=True, exist_ok=True)
        celery = build_celery(settings)
        celery.start(["beat", "--loglevel=INFO"])

    @app.command()
    def dispatch(config: ConfigOption = None) -> None:
        """Send every contact that is due at a stage to its queue now (after `intake ingest`)."""
        settings = _checked(config)
        from intake import pipeline
        from intake.app import open_app
        from intake.scale_out.celery_app import build_celery
        from intake.scale_out.dispatch import send_to_step
        from workflow.models import utcnow

        celery = build_celery(settings)
        application = open_app(settings, migrate_schema=False)
        try:
            with application.sessions() as session:
                due = {
                    step: pipeline.due_contacts(session, step.takes, utcnow())
                    for step in pipeline.STEPS
                }
        finally:
            application.close()
        for step, ids in due.items():
            tasks = send_to_step(celery, step, ids)
            console.print(f"{step.name}: sent {len(ids)} contact(s) in {tasks} task(s)")
