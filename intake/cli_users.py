"""`intake users ...`: the accounts people sign in with and the API tokens of other systems."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from intake.app import App
from intake.cli_common import ConfigOption
from intake.cli_common import fail as _fail
from intake.services.accounts import create_user, hash_password
from workflow import accounts
from workflow.accounts import AccountError, Role
from workflow.db import unit_of_work
from workflow.models import utcnow

users_app = typer.Typer(help="Accounts of the web UI and tokens of the REST API.")
console = Console()
PASSWORD_ENV = "INTAKE_NEW_PASSWORD"


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _open(config: Path | None) -> App:
    from intake.cli import _open as open_app

    return open_app(config)


def _new_password() -> str:
    # Never as an argument: it would stay in the shell history and the process list.
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Repeat it: "):
        raise _fail("The two passwords differ; nothing changed.")
    return first


def _check_units(app: App, units: list[str]) -> None:
    known = {unit.code for unit in app.organisation.units}
    unknown = [code for code in units if code not in known]
    if unknown:
        raise _fail(f"Unknown unit(s) {', '.join(unknown)}. Known: {', '.join(sorted(known))}")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Sign-in name (lower case).")],
    role: Annotated[Role, typer.Option(help="What the person does.")],
    name: Annotated[str, typer.Option(help="Full name shown on the screens.")] = "",
    unit: Annotated[
        list[str] | None, typer.Option(help="A unit whose tasks they work (repeatable).")
    ] = None,
    agent: Annotated[
        str | None, typer.Option(help="Agent id in the organisation; default: the user name.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Create an account; the password is asked for (or read from INTAKE_NEW_PASSWORD)."""
    app = _open(config)
    org_agent = next((a for a in app.organisation.agents if a.id == (agent or username)), None)
    units = list(unit or (org_agent.units if org_agent else ()))
    _check_units(app, units)
    if agent and org_agent is None:
        raise _fail(f"No agent '{agent}' in the organisation ({app.settings.org_dir}).")
    password = _new_password()
    try:
        with unit_of_work(app.sessions) as session:
            create_user(
                session,
                username=username,
                display_name=name or (org_agent.name if org_agent else username),
                role=role,
                password=password,
                units=tuple(units),
                agent_id=org_agent.id if org_agent else None,
                actor="cli",
            )
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"User {username} ({role}) created; units: {', '.join(units) or 'all/none'}.")


@users_app.command("list")
def users_list(config: ConfigOption = None) -> None:
    """Every account with its role, units and last sign-in."""
    app = _open(config)
    table = Table("user", "name", "role", "units", "agent", "active", "last sign-in")
    with app.sessions() as session:
        for user in accounts.list_users(session):
            table.add_row(
                user.username,
                user.display_name,
                user.role,
                ", ".join(user.units),
                user.agent_id or "",
                "yes" if user.active else "no",
                user.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if user.last_sign_in_at else "",
            )
    console.print(table)


@users_app.command("password")
def users_password(username: str, config: ConfigOption = None) -> None:
    """Set a new password (signs the person out everywhere)."""
    app = _open(config)
    try:
        password_hash = hash_password(_new_password())
        with unit_of_work(app.sessions) as session:
            accounts.set_password(session, username, password_hash, "cli")
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"Password of {username} changed.")


@users_app.command("disable")
def users_disable(username: str, config: ConfigOption = None) -> None:
    """Stop an account from signing in (its history stays)."""
    _set_active(username, False, config)


@users_app.command("enable")
def users_enable(username: str, config: ConfigOption = None) -> None:
    """Let a disabled account sign in again."""
    _set_active(username, True, config)


def _set_active(username: str, active: bool, config: Path | None) -> None:
    app = _open(config)
    try:
        with unit_of_work(app.sessions) as session:
            accounts.set_active(session, username, active, "cli")
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"{username} {'enabled' if active else 'disabled'}.")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="The account the system acts as.")],
    name: Annotated[str, typer.Option(help="Which system uses it, e.g. 'crm'.")],
    config: ConfigOption = None,
) -> None:
    """Issue an API token; it is printed once and only its hash is stored."""
    app = _open(config)
    try:
        with unit_of_work(app.sessions) as session:
            token = accounts.issue_api_token(session, username, name, "cli")
    except AccountError as error:
        raise _fail(str(error)) from None
    typer.echo(token)


@users_app.command("revoke-token")
def users_revoke_token(
    username: str,
    name: Annotated[str, typer.Option(help="The system whose tokens end.")],
    config: ConfigOption = None,
) -> None:
    """Revoke every token of that name for the account."""
    app = _open(config)
    try:
        with unit_of_work(app.sessions) as session:
            count = accounts.revoke_api_tokens(session, username, name, utcnow(), "cli")
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"{count} token(s) revoked.")
