"""The embedded runner behind `intake serve`: periodic jobs, each in its own thread.

A job is a name, an interval and a function of the app that returns a one-line summary (or None
when there was nothing to do). A job that raises is logged and tried again at its next turn; one
job's trouble never stops the others. SIGTERM or Ctrl-C ends every job after its current turn.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from intake.app import App

log = logging.getLogger("intake.serve")


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[App], str | None]


def _loop(app: App, job: Job, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            summary = job.run(app)
        except Exception:
            log.exception("job %s failed; trying again in %.0f s", job.name, job.every_seconds)
        else:
            if summary:
                log.info("%s: %s", job.name, summary)
        stop.wait(job.every_seconds)


def serve(app: App, jobs: Sequence[Job], stop: threading.Event) -> None:
    """Run every job until `stop` is set, then wait for each to finish its turn."""
    threads = [
        threading.Thread(target=_loop, args=(app, job, stop), name=f"job-{job.name}", daemon=True)
        for job in jobs
    ]
    for thread in threads:
        thread.start()
    log.info("serving: %s", ", ".join(f"{j.name} every {j.every_seconds:g} s" for j in jobs))
    stop.wait()
    for thread in threads:
        thread.join()
