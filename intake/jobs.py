"""The jobs `intake serve` runs, one function each."""

from __future__ import annotations

from collections import Counter

from intake import pipeline
from intake.app import App
from intake.channels.hot_folder import collect
from intake.channels.items import Received
from intake.outbox import send_pending
from intake.runner import Job
from workflow.accounts import forget_expired_sessions
from workflow.db import unit_of_work
from workflow.escalation import ClockPolicy, run_clock
from workflow.models import utcnow
from workflow.overflow import rebalance


def collect_drop_folders(app: App) -> list[Received]:
    """One pass over the scanner and mail drop folders (both runners' receiving job)."""
    settings = app.settings
    results: list[Received] = []
    for inbox in (settings.resolved_scanner_inbox, settings.resolved_mail_inbox):
        results.extend(collect(app, inbox, settle_seconds=settings.hot_folder_settle_seconds))
    return results


def take_drop_folders(app: App) -> str | None:
    results = collect_drop_folders(app)
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


def send_outbox(app: App) -> str | None:
    report = send_pending(app)
    if not report.deliveries and not report.stuck:
        return None
    counts = Counter(str(d.result) for d in report.deliveries)
    summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    if report.stuck:
        summary += f"; stuck {len(report.stuck)} (see intake outbox list)"
    return summary


def tick_clock(app: App) -> str | None:
    policy = ClockPolicy(app.settings.escalation_warning_share)
    with unit_of_work(app.sessions) as session:
        report = run_clock(session, app.organisation, utcnow(), policy)
    if not (report.warned or report.escalated or report.leases_expired):
        return None
    return (
        f"warned {len(report.warned)}, escalated {len(report.escalated)}, "
        f"leases expired {len(report.leases_expired)}"
    )


def rebalance_queues(app: App) -> str | None:
    """Absent agents' tasks to their substitutes; work that would break its deadline in its unit
    to the backup unit, before it breaks."""
    with unit_of_work(app.sessions) as session:
        report = rebalance(session, app.organisation, utcnow())
    if not (report.moves or report.substitutions):
        return None
    return f"overflowed {len(report.moves)}, to substitutes {len(report.substitutions)}"


def forget_sessions(app: App) -> str | None:
    """Expired web sign-ins leave the database (they no longer open anything either way)."""
    with unit_of_work(app.sessions) as session:
        gone = forget_expired_sessions(session, utcnow())
    return f"expired sessions removed: {gone}" if gone else None


def default_jobs(app: App, *, pipeline_every: float = 5.0) -> list[Job]:
    if app.settings.runner == "celery":
        # Celery beat and `intake worker` run these (intake/scale_out/beat_schedule.py);
        # `intake serve` is then the web UI alone.
        return []
    jobs = [
        Job("drop folders", max(app.settings.hot_folder_settle_seconds, 1.0), take_drop_folders),
        Job("pipeline", pipeline_every, advance_pipeline),
        Job("escalation clock", 60.0, tick_clock),
        Job("queues", 300.0, rebalance_queues),
        Job("web sessions", 3600.0, forget_sessions),
    ]
    if app.settings.smtp is not None:
        jobs.append(Job("outbox", 30.0, send_outbox))
    return jobs
