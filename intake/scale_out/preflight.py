"""Checks before a worker or beat starts, each failing with the setting to change."""

from __future__ import annotations

import redis
from kombu.utils.url import maybe_sanitize_url
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from intake.config import Settings
from workflow.db import make_engine, schema_is_current


class ScaleOutError(RuntimeError):
    """The scale-out runner cannot start; the message names the setting or command to fix it."""


def check_settings(settings: Settings) -> None:
    if settings.runner != "celery":
        raise ScaleOutError(
            f"setting 'runner' is '{settings.runner}'; the scale-out runner needs "
            'runner = "celery" in intake.toml or INTAKE_RUNNER=celery'
        )
    if make_url(settings.resolved_database_url).get_backend_name() == "sqlite":
        raise ScaleOutError(
            "setting 'database_url' points at SQLite, which only one machine can use; the "
            'celery runner needs database_url = "postgresql+psycopg://..." '
            "(INTAKE_DATABASE_URL)"
        )
    if not settings.broker_url.startswith(("redis://", "rediss://")):
        raise ScaleOutError(
            f"setting 'broker_url' is {maybe_sanitize_url(settings.broker_url)!r}; the celery "
            "runner needs a Redis broker (redis://host:port/db)"
        )


def check_broker(settings: Settings) -> None:
    client = redis.Redis.from_url(settings.broker_url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        raise ScaleOutError(
            f"the broker at setting 'broker_url' ({maybe_sanitize_url(settings.broker_url)}) "
            f"cannot be reached: {error}"
        ) from None
    finally:
        client.close()


def check_database(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    try:
        current = schema_is_current(engine)
    except SQLAlchemyError as error:
        first_line = str(error).strip().splitlines()[0]
        raise ScaleOutError(
            f"the database at setting 'database_url' cannot be reached: {first_line}"
        ) from None
    finally:
        engine.dispose()
    if not current:
        raise ScaleOutError(
            "the database at setting 'database_url' has no current schema; run `intake init` "
            "once (workers do not migrate, so that many can start at once)"
        )


def check_all(settings: Settings) -> None:
    check_settings(settings)
    check_broker(settings)
    check_database(settings)
