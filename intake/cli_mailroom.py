"""Mailroom commands: verifying unsure form fields, exporting coupon data."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from intake.app import App
from intake.cli_common import ConfigOption
from intake.coupon_export import coupon_rows, write_csv
from intake.verification import VerificationError, verify_field
from workflow.db import unit_of_work
from workflow.field_claims import hold_of
from workflow.models import ContactField, FieldStatus, utcnow

verify_app = typer.Typer(help="Form fields OCR was not sure of, for a person to check.")
export_app = typer.Typer(help="Data out for other systems.")
console = Console()


def _open(config: Path | None) -> App:
    # The CLI's opener prints configuration errors the same way for every command.
    from intake.cli import _open as open_app

    return open_app(config)


@verify_app.command("list")
def verify_list(config: ConfigOption = None) -> None:
    """Fields waiting for a person: what was read, how sure, and suggestions."""
    app = _open(config)
    table = Table(
        "field", "contact", "name", "read", "confidence", "problem", "suggestions", "held by"
    )
    now = utcnow()
    with app.sessions() as session:
        fields = session.scalars(
            select(ContactField)
            .where(ContactField.status == FieldStatus.NEEDS_VERIFICATION)
            .order_by(ContactField.contact_id, ContactField.id)
        ).all()
        for field in fields:
            table.add_row(
                str(field.id),
                str(field.contact_id),
                field.name,
                escape(field.value),
                f"{field.confidence:.2f}",
                escape(field.problem),
                escape(", ".join(field.suggestions[:3])),
                _holder(field, now),
            )
    console.print(table if fields else "Nothing to verify.")


def _holder(field: ContactField, now: datetime) -> str:
    """Who has the field on their screen in the verification queue, and until when."""
    hold = hold_of(field, now)
    return f"{escape(hold.holder)} until {hold.until:%H:%M} UTC" if hold else ""


@verify_app.command("field")
def verify_one(
    field_id: Annotated[int, typer.Argument(help="Field id from `intake verify list`.")],
    value: Annotated[str | None, typer.Argument(help="The right value; omit to accept.")] = None,
    actor: Annotated[str, typer.Option(help="Who verified.")] = "mailroom",
    config: ConfigOption = None,
) -> None:
    """Accept a field as read, or store the corrected value."""
    app = _open(config)
    try:
        with unit_of_work(app.sessions) as session:
            done = verify_field(session, field_id, value, actor)
    except VerificationError as error:
        typer.secho(str(error), err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None
    action = "corrected to" if done.corrected else "accepted as"
    console.print(f"{done.name} {action} {escape(done.value)!r}.")
    if done.task_done:
        console.print("All fields of this contact are verified; its task is done.")


@export_app.command("coupons")
def export_coupons(
    since: Annotated[
        datetime, typer.Option(help="Coupons received from this date (YYYY-MM-DD) on.")
    ],
    out: Annotated[Path | None, typer.Option(help="CSV file; default: standard output.")] = None,
    config: ConfigOption = None,
) -> None:
    """The validated coupon fields as CSV, for the loyalty programme."""
    app = _open(config)
    moment = since if since.tzinfo else since.replace(tzinfo=UTC)
    with app.sessions() as session:
        columns, rows = coupon_rows(session, moment)
    if out is None:
        write_csv(sys.stdout, columns, rows)
    else:
        with out.open("w", newline="", encoding="utf-8") as handle:
            write_csv(handle, columns, rows)
        console.print(f"{len(rows)} coupons written to {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(verify_app, name="verify")
    app.add_typer(export_app, name="export")
