"""Signing in and out, and the accounts administrators manage. Passwords are hashed with
argon2id; a wrong user name and a wrong password take the same time and give the same answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from intake.services.principal import Principal, principal_of
from workflow import accounts
from workflow.accounts import AccountError, NewUser, Role
from workflow.models import User

_HASHER = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("intake: no such user")

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    session_token: str


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def _password_matches(user: User | None, password: str) -> bool:
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def sign_in(
    session: Session, username: str, password: str, now: datetime, lifetime: timedelta
) -> SignedIn | None:
    user = accounts.find_user(session, username.strip().lower())
    if not _password_matches(user, password) or user is None or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    token = accounts.open_session(session, user, now, lifetime)
    return SignedIn(principal_of(user), token)


def principal_for_session(session: Session, token: str, now: datetime) -> tuple[Principal, str]:
    """The person behind a session cookie and the session's CSRF token; LookupError if none."""
    row = accounts.session_for(session, token, now)
    user = session.get(User, row.user_id) if row else None
    if row is None or user is None or not user.active:
        raise LookupError("no live session")
    return principal_of(user), row.csrf_token


def principal_for_api_token(session: Session, token: str, now: datetime) -> Principal:
    user = accounts.user_for_api_token(session, token, now)
    if user is None:
        raise LookupError("unknown or revoked API token")
    return principal_of(user)


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    units: tuple[str, ...] = (),
    agent_id: str | None = None,
    actor: str,
) -> User:
    return accounts.create_user(
        session,
        NewUser(
            username=username.strip().lower(),
            display_name=display_name,
            role=role,
            password_hash=hash_password(password),
            units=units,
            agent_id=agent_id,
        ),
        actor,
    )
