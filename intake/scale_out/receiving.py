"""Beat's receiving jobs: the channels commit contacts, then their first step is sent."""

from __future__ import annotations

from datetime import timedelta

from celery import Celery
from sqlalchemy import select

from intake.app import App
from intake.channels.imap_watch import FolderFailure, fetch_accounts_once
from intake.channels.items import Outcome
from intake.jobs import collect_drop_folders
from intake.scale_out.dispatch import send_received
from workflow.models import Contact, ContactStatus, Stage, utcnow

# Clocks of worker machines differ a little; a contact stored just before a fetch started is
# sent once more at worst, which its idempotent first step shrugs off.
CLOCK_MARGIN = timedelta(seconds=5)


def receive_drop_folders(app: App, celery: Celery) -> str | None:
    results = collect_drop_folders(app)
    stored = [r.contact_id for r in results if r.outcome is Outcome.STORED and r.contact_id]
    send_received(celery, stored)
    if not results:
        return None
    return f"files: stored {len(stored)}, other {len(results) - len(stored)}"


def receive_imap(app: App, celery: Celery) -> str | None:
    """One pass over every IMAP folder; the contacts it stored are the fresh ones at `received`
    (the IMAP fetcher counts what it stored, it does not list it)."""
    since = utcnow() - CLOCK_MARGIN
    results = fetch_accounts_once(app, app.settings.imap_accounts)
    with app.sessions() as session:
        fresh = list(
            session.scalars(
                select(Contact.id)
                .where(
                    Contact.status == ContactStatus.ACTIVE,
                    Contact.stage == Stage.RECEIVED,
                    Contact.next_attempt_at.is_(None),
                    Contact.updated_at >= since,
                )
                .order_by(Contact.id)
            )
        )
    send_received(celery, fresh)
    failures = [r for r in results if isinstance(r, FolderFailure)]
    if not fresh and not failures:
        return None
    failed = "; ".join(f"{f.account}/{f.folder}: {f.reason}" for f in failures)
    return f"IMAP: sent {len(fresh)} to extract" + (f"; not read: {failed}" if failed else "")
