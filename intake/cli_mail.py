"""`intake mail noise`: the mail that opened no case (auto-replies, bounces, lists), and the
addresses our mail could not reach."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.app import App, open_app
from intake.cli_common import ConfigOption
from intake.config import ConfigError, load_settings
from workflow.models import Contact, DeliveryFailure

console = Console()
mail_app = typer.Typer(help="The email channel: noise and delivery failures.")

LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="Newest rows to show.")]


def register(app: typer.Typer) -> None:
    app.add_typer(mail_app, name="mail")


def _open(config: Path | None) -> App:
    try:
        return open_app(load_settings(config))
    except ConfigError as error:
        typer.secho(f"Configuration error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None


@mail_app.command("noise")
def noise(config: ConfigOption = None, limit: LimitOption = 50) -> None:
    """Mail recorded without a case (auto-reply, delivery-report, ...) and delivery failures."""
    application = _open(config)
    try:
        with application.sessions() as session:
            console.print(noise_table(session, limit))
            console.print(failures_table(session, limit))
    finally:
        application.close()


def noise_table(session: Session, limit: int) -> Table:
    contacts = session.scalars(
        select(Contact)
        .where(Contact.noise.is_not(None))
        .order_by(Contact.received_at.desc(), Contact.id.desc())
        .limit(limit)
    ).all()
    table = Table("contact", "received", "noise", "from", "subject", title="Noise (no case)")
    for contact in contacts:
        table.add_row(
            str(contact.id),
            f"{contact.received_at:%Y-%m-%d %H:%M}",
            contact.noise or "",
            escape(contact.sender_address or "-"),
            escape(contact.subject or "-"),
        )
    if not contacts:
        table.caption = "no noise recorded"
    return table


def failures_table(session: Session, limit: int) -> Table:
    failures = session.scalars(
        select(DeliveryFailure)
        .order_by(DeliveryFailure.reported_at.desc(), DeliveryFailure.id.desc())
        .limit(limit)
    ).all()
    table = Table(
        "address",
        "action",
        "status",
        "original message",
        "diagnostic",
        "report",
        title="Delivery failures",
    )
    for failure in failures:
        table.add_row(
            escape(failure.address),
            failure.action,
            failure.status or "-",
            escape(failure.original_message_id or "-"),
            escape(failure.diagnostic or "-"),
            f"contact {failure.report_contact_id}" if failure.report_contact_id else "-",
        )
    if not failures:
        table.caption = "no delivery failures recorded"
    return table
