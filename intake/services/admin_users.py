"""User accounts as administrators manage them: list, create, disable and enable, reset a
password. Supervisors may read the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake.app import App
from intake.services.accounts import create_user, hash_password
from intake.services.admin import require_admin, require_reader
from intake.services.errors import Refused
from intake.services.principal import Principal
from workflow import accounts
from workflow.accounts import AccountError, Role
from workflow.db import unit_of_work
from workflow.models import User


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    units: tuple[str, ...]
    agent_id: str | None
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    role: str
    password: str
    units: tuple[str, ...] = ()
    agent_id: str | None = None


def _account(user: User) -> Account:
    return Account(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        units=user.units,
        agent_id=user.agent_id,
        active=user.active,
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
    )


def list_accounts(app: App, principal: Principal) -> tuple[Account, ...]:
    require_reader(principal)
    with app.sessions() as session:
        return tuple(_account(user) for user in accounts.list_users(session))


def create_account(app: App, principal: Principal, new: NewAccount) -> Account:
    require_admin(principal)
    try:
        role = Role(new.role)
    except ValueError:
        raise Refused(f"unknown role '{new.role}'; one of {', '.join(Role)}") from None
    org = app.organisation
    unknown = [code for code in new.units if code not in {u.code for u in org.units}]
    if unknown:
        raise Refused(f"no unit {', '.join(unknown)} in the organisation")
    if new.agent_id and new.agent_id not in {a.id for a in org.agents}:
        raise Refused(f"no agent '{new.agent_id}' in the organisation (agents.yaml)")
    if not new.display_name.strip():
        raise Refused("the account needs a display name")
    try:
        with unit_of_work(app.sessions) as session:
            user = create_user(
                session,
                username=new.username,
                display_name=new.display_name.strip(),
                role=role,
                password=new.password,
                units=new.units,
                agent_id=new.agent_id or None,
                actor=principal.actor,
            )
            return _account(user)
    except AccountError as error:
        raise Refused(str(error)) from None


def set_account_active(app: App, principal: Principal, username: str, active: bool) -> None:
    require_admin(principal)
    if username == principal.username and not active:
        raise Refused("you cannot disable your own account: nobody could sign in to undo it")
    try:
        with unit_of_work(app.sessions) as session:
            accounts.set_active(session, username, active, principal.actor)
    except AccountError as error:
        raise Refused(str(error)) from None


def reset_password(app: App, principal: Principal, username: str, password: str) -> None:
    """A new password chosen by the administrator; the person is signed out everywhere."""
    require_admin(principal)
    try:
        hashed = hash_password(password)
        with unit_of_work(app.sessions) as session:
            accounts.set_password(session, username, hashed, principal.actor)
    except AccountError as error:
        raise Refused(str(error)) from None
