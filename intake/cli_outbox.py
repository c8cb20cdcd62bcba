"""`intake send` and `intake outbox ...`: the outgoing mail, for operators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from intake.app import App, open_app
from intake.cli_common import ConfigOption
from intake.config import ConfigError, load_settings
from intake.outbox import STUCK_AFTER, Result, SendReport, Status, requeue, send_pending
from workflow.models import OutboxMessage, utcnow

console = Console()
outbox_app = typer.Typer(help="Outgoing mail (acknowledgements): what waits, failed or is stuck.")


def _open(config: Path | None) -> App:
    try:
        return open_app(load_settings(config))
    except ConfigError as error:
        typer.secho(f"Configuration error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None


def print_send_report(report: SendReport) -> None:
    console.print(
        f"Outbox: sent {report.count(Result.SENT)}, retry later {report.count(Result.RETRY)}, "
        f"failed {report.count(Result.FAILED)}."
    )
    for delivery in report.deliveries:
        if delivery.result is not Result.SENT:
            console.print(
                f"  message {delivery.outbox_id} to {escape(delivery.to_address)}: "
                f"{delivery.result}: {escape(delivery.reason)}"
            )
    if report.stopped:
        console.print(f"  [yellow]stopped early[/yellow]: {escape(report.stopped)}")
    if report.stuck:
        minutes = int(STUCK_AFTER.total_seconds() // 60)
        console.print(
            f"  [yellow]stuck[/yellow]: message(s) {', '.join(map(str, report.stuck))} were "
            f"claimed over {minutes} minutes ago and may or may not have been sent; see "
            "`intake outbox list --status sending` and docs/acknowledgements.md"
        )


def send_outbox(application: App) -> None:
    """After `intake process`: send what the pipeline queued, when an SMTP server is set."""
    if application.settings.smtp is not None:
        print_send_report(send_pending(application))


def send(config: ConfigOption = None) -> None:
    """Send the pending outbox messages once (acknowledgements), with retries on later runs."""
    application = _open(config)
    if application.settings.smtp is None:
        typer.secho("No [smtp] server is configured; nothing can be sent.", err=True)
        raise typer.Exit(2)
    report = send_pending(application)
    print_send_report(report)
    if report.count(Result.FAILED) or report.stopped:
        raise typer.Exit(1)


@outbox_app.command("list")
def outbox_list(
    status: Annotated[
        str | None, typer.Option(help="Only this status: pending, sending, sent, failed.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, newest first.")] = 50,
    config: ConfigOption = None,
) -> None:
    """Outgoing messages with their status, attempts and last error."""
    if status is not None and status not in set(Status):
        typer.secho(f"Unknown status {status!r}; use one of {', '.join(Status)}", err=True)
        raise typer.Exit(2)
    application = _open(config)
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    table = Table("id", "kind", "to", "subject", "status", "tries", "last error")
    now = utcnow()
    with application.sessions() as session:
        for message in session.scalars(query):
            shown = message.status
            claimed = message.next_attempt_at
            if message.status == Status.SENDING and claimed and claimed < now - STUCK_AFTER:
                shown = "sending (stuck)"
            table.add_row(
                str(message.id),
                message.kind,
                escape(message.to_address),
                escape(message.subject[:50]),
                shown,
                str(message.attempts),
                escape((message.last_error or "")[:80]),
            )
    console.print(table)


@outbox_app.command("requeue")
def outbox_requeue(
    outbox_ids: Annotated[list[int], typer.Argument(help="Failed or stuck message ids.")],
    config: ConfigOption = None,
) -> None:
    """Send failed or stuck messages again at the next `intake send` (after checking the cause)."""
    application = _open(config)
    for outbox_id in outbox_ids:
        done = requeue(application, outbox_id, actor="cli")
        console.print(f"message {outbox_id}: {'requeued' if done else 'not failed or stuck'}")


def register(app: typer.Typer) -> None:
    app.command()(send)
    app.add_typer(outbox_app, name="outbox")
