"""User accounts, browser sessions and API tokens in the system of record.

Passwords arrive here already hashed (the web layer owns the hashing scheme); session and API
tokens are random values of which only the SHA-256 is kept.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.models import ApiToken, User, UserUnit, WebSession


class Role(enum.StrEnum):
    MAILROOM = "mailroom"
    BACKOFFICE = "backoffice"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class AccountError(ValueError):
    """A refused change to an account; the message says why."""


_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: Role
    password_hash: str
    units: tuple[str, ...] = ()
    agent_id: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def create_user(session: Session, new: NewUser, actor: str) -> User:
    if not _USERNAME.match(new.username):
        raise AccountError(
            f"username '{new.username}': use 2-80 lower-case letters, digits, '.', '_' or '-'"
        )
    if find_user(session, new.username) is not None:
        raise AccountError(f"user '{new.username}' exists already")
    if new.role is Role.BACKOFFICE and not new.units:
        raise AccountError(f"user '{new.username}': a back-office user needs at least one unit")
    user = User(
        username=new.username,
        display_name=new.display_name,
        role=str(new.role),
        agent_id=new.agent_id,
        password_hash=new.password_hash,
        active=True,
        unit_rows=[UserUnit(unit_code=code) for code in dict.fromkeys(new.units)],
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user", user.id, "created", role=user.role, units=list(new.units))
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def set_password(session: Session, username: str, password_hash: str, actor: str) -> None:
    user = _existing(session, username)
    user.password_hash = password_hash
    # A new password signs the person out everywhere.
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(session, actor, "user", user.id, "password changed")


def set_active(session: Session, username: str, active: bool, actor: str) -> None:
    user = _existing(session, username)
    user.active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(session, actor, "user", user.id, "enabled" if active else "disabled")


def _existing(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"no user '{username}'")
    return user


def open_session(session: Session, user: User, now: datetime, lifetime: timedelta) -> str:
    """Start a browser session; returns the cookie value (only its hash is stored)."""
    token = new_token()
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    user.last_sign_in_at = now
    audit.record(session, user.username, "user", user.id, "signed in")
    return token


def session_for(session: Session, token: str, now: datetime) -> WebSession | None:
    row = session.get(WebSession, token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    return row


def close_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def forget_expired_sessions(session: Session, now: datetime) -> int:
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def issue_api_token(session: Session, username: str, name: str, actor: str) -> str:
    """A token for another system acting as `username`; shown once, only its hash is kept."""
    user = _existing(session, username)
    token = new_token()
    session.add(ApiToken(name=name, token_hash=token_hash(token), user_id=user.id))
    audit.record(session, actor, "user", user.id, "api token issued", name=name)
    return token


def user_for_api_token(session: Session, token: str, now: datetime) -> User | None:
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token))
    ).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = now
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def revoke_api_tokens(session: Session, username: str, name: str, now: datetime, actor: str) -> int:
    user = _existing(session, username)
    rows = session.scalars(
        select(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.name == name, ApiToken.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
    audit.record(session, actor, "user", user.id, "api token revoked", name=name)
    return len(rows)
