"""Alembic environment: the engine comes from `workflow.db.migrate`, never from an ini file."""

from __future__ import annotations

from alembic import context

from workflow.models import Base
from workflow.search import is_search_index_object


def _declared(name: str | None, _kind: str, _parent: object) -> bool:
    # The search index (migration 0007) is kept by the database and declared by no model:
    # autogenerate must not propose dropping it.
    return name is None or not is_search_index_object(name)


engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_declared,
    )
    context.run_migrations()
