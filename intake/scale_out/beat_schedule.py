"""What Celery beat runs and how often: the same jobs as the embedded runner's `intake serve`,
plus the IMAP fetch and the sweeper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import Celery

from intake import jobs
from intake.app import App
from intake.config import Settings
from intake.scale_out.queues import periodic_task_name
from intake.scale_out.receiving import receive_drop_folders, receive_imap
from intake.scale_out.sweeper import sweep

# IMAP is polled (no IDLE connection can live inside a task).
IMAP_POLL_SECONDS = 30.0

PeriodicRun = Callable[[App, Celery], str | None]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: PeriodicRun


def _without_celery(run: Callable[[App], str | None]) -> PeriodicRun:
    return lambda app, _celery: run(app)


def _sweep(app: App, celery: Celery) -> str | None:
    return sweep(app, celery).summary()


def periodic_jobs(settings: Settings) -> list[PeriodicJob]:
    found = [
        PeriodicJob(
            "drop folders", max(settings.hot_folder_settle_seconds, 1.0), receive_drop_folders
        ),
        PeriodicJob("escalation clock", 60.0, _without_celery(jobs.tick_clock)),
        PeriodicJob("queues", 300.0, _without_celery(jobs.rebalance_queues)),
        PeriodicJob("web sessions", 3600.0, _without_celery(jobs.forget_sessions)),
        PeriodicJob("sweeper", max(settings.sweep_every_seconds, 1.0), _sweep),
    ]
    if settings.imap_accounts:
        found.append(PeriodicJob("imap", IMAP_POLL_SECONDS, receive_imap))
    if settings.smtp is not None:
        found.append(PeriodicJob("outbox", 30.0, _without_celery(jobs.send_outbox)))
    return found


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        job.name: {
            "task": periodic_task_name(job.name),
            "schedule": job.every_seconds,
            # A turn nobody picked up before the next one is due is dropped, not piled up.
            "options": {"expires": job.every_seconds},
        }
        for job in periodic_jobs(settings)
    }
