"""The Celery tasks: one per pipeline step, one per periodic job."""

from __future__ import annotations

import logging
from collections import Counter

from celery import Celery

from intake import pipeline
from intake.pipeline import STEPS, Step
from intake.scale_out.beat_schedule import PeriodicJob, periodic_jobs
from intake.scale_out.dispatch import follow_up
from intake.scale_out.process_app import ProcessApp
from intake.scale_out.queues import periodic_task_name, stage_task_name
from intake.scale_out.single_flight import single_flight

log = logging.getLogger("intake.scale_out")


def _register_step(celery: Celery, runtime: ProcessApp, step: Step) -> None:
    def advance(contact_ids: list[int]) -> str:
        app = runtime.get()
        # Contacts already past the step (a repeated message) come back SKIPPED, untouched.
        outcomes = pipeline.run_step(app, step, contact_ids)
        follow_up(celery, app, step, outcomes)
        counts = Counter(str(o.result) for o in outcomes)
        return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))

    advance.__name__ = f"advance_{step.name}"
    # Not shared: a process that builds several apps (tests, benchmarks) must not run one app's
    # task with another app's settings.
    celery.task(name=stage_task_name(step), ignore_result=True, shared=False)(advance)


def _register_periodic(celery: Celery, runtime: ProcessApp, job: PeriodicJob) -> None:
    # A run cut short by a killed worker frees the job after a few periods, not never.
    lock_seconds = max(job.every_seconds * 5, 300.0)

    def run_periodic() -> str | None:
        settings = runtime.settings
        key = f"{settings.queue_prefix}:running:{job.name}"
        with single_flight(settings.broker_url, key, lock_seconds) as held:
            if not held:
                return "skipped: the previous run is still under way"
            summary = job.run(runtime.get(), celery)
        if summary:
            log.info("%s: %s", job.name, summary)
        return summary

    run_periodic.__name__ = f"run_{job.name.replace(' ', '_')}"
    celery.task(name=periodic_task_name(job.name), ignore_result=True, shared=False)(run_periodic)


def register_tasks(celery: Celery, runtime: ProcessApp) -> None:
    for step in STEPS:
        _register_step(celery, runtime, step)
    for job in periodic_jobs(runtime.settings):
        _register_periodic(celery, runtime, job)
