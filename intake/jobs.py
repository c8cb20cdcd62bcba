"""The jobs `intake serve` runs, one function each."""

from __future__ import annotations

from collections import Counter

from intake import pipeline
from intake.app import App
from intake.channels.hot_folder import collect
from intake.runner import Job


def take_drop_folders(app: App) -> str | None:
    settings = app.settings
    results = []
    for inbox in (settings.resolved_scanner_inbox, settings.resolved_mail_inbox):
        results.extend(collect(app, inbox, settle_seconds=settings.hot_folder_settle_seconds))
    if not results:
        return None
    counts = Counter(str(r.outcome) for r in results)
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))


def advance_pipeline(app: App) -> str | None:
    report = pipeline.process(app)
    if not report.outcomes:
        return None
    counts = Counter(str(o.result) for o in report.outcomes)
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))


def default_jobs(app: App, *, pipeline_every: float = 5.0) -> list[Job]:
    return [
        Job("drop folders", max(app.settings.hot_folder_settle_seconds, 1.0), take_drop_folders),
        Job("pipeline", pipeline_every, advance_pipeline),
    ]
