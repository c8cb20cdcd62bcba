"""The Celery application of the scale-out runner, configured from Settings."""

from __future__ import annotations

from celery import Celery

from intake.config import Settings
from intake.pipeline import STEPS
from intake.scale_out.beat_schedule import beat_schedule, periodic_jobs
from intake.scale_out.process_app import ProcessApp
from intake.scale_out.queues import PERIODIC, periodic_task_name, queue_name, stage_task_name
from intake.scale_out.tasks import register_tasks


def task_routes(settings: Settings) -> dict[str, dict[str, str]]:
    """Each step its own queue, so a site can give OCR (extract) workers of its own."""
    routes = {stage_task_name(step): {"queue": queue_name(settings, step.name)} for step in STEPS}
    for job in periodic_jobs(settings):
        routes[periodic_task_name(job.name)] = {"queue": queue_name(settings, PERIODIC)}
    return routes


def build_celery(settings: Settings, runtime: ProcessApp | None = None) -> Celery:
    """The app with its tasks; `runtime` gives them the App of the process they run in."""
    celery = Celery("intake", broker=settings.broker_url, set_as_current=False)
    celery.conf.update(
        # A task is acknowledged after it ran: a worker killed mid-step leaves its message to
        # the broker's redelivery and the sweeper, never lost.
        task_acks_late=True,
        # One message at a time per pool process: a slow OCR batch holds back no other contact.
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_routes=task_routes(settings),
        task_default_queue=queue_name(settings, PERIODIC),
        beat_schedule=beat_schedule(settings),
        beat_schedule_filename=str(settings.home / "celerybeat-schedule"),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        enable_utc=True,
    )
    register_tasks(celery, runtime or ProcessApp(settings))
    return celery
