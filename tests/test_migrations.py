"""The schema comes from Alembic migrations that match the models and keep existing data."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from workflow.db import alembic_config, make_engine, migrate, schema_is_current
from workflow.models import Base
from workflow.search import is_search_index_object


def test_migrations_create_exactly_the_schema_the_models_declare(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    # The search index (FTS5 tables, tsvector indexes; migration 0007) is kept by the database
    # itself and declared by no model, so the comparison leaves it out.
    skip_search = {"include_name": lambda name, _kind, _parent: not is_search_index_object(name)}
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=skip_search)
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrating_twice_is_harmless_and_reports_current(database_url: str) -> None:
    engine = make_engine(database_url)
    assert not schema_is_current(engine)
    migrate(engine)
    migrate(engine)
    assert schema_is_current(engine)
    engine.dispose()


def test_upgrading_a_database_with_contacts_keeps_them(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "insert into contacts (channel, source, source_key, sha256, received_at, stage,"
                " status, attempts, subject, sender_name, text, auto_submitted, scores,"
                " updated_at, version) values ('email', 'old.eml', 'k1', 'h', CURRENT_TIMESTAMP,"
                " 'routed', 'active', 0, 'Old subject', '', 'old text', false, '{}',"
                " CURRENT_TIMESTAMP, 1)"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        row = connection.execute(sa.text("select subject, text from contacts")).one()
    engine.dispose()
    assert tuple(row) == ("Old subject", "old text")
