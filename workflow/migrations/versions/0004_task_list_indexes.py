"""Task-list indexes: least slack first per unit and overall, per agent, lease expiry

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00

The least-slack key is deadline minus expected handling time (`workflow/queue.py`). PostgreSQL
indexes it through an IMMUTABLE function (the epoch of a timestamptz does not depend on the time
zone, so the promise is true); SQLite indexes the equivalent Julian-day expression directly.
Tasks without a deadline get a key far in the future, so they come last on both databases.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION task_slack_key(due timestamptz, minutes double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(extract(epoch FROM due)::double precision, 1e12) - minutes * 60
$$
"""
_PG_KEY = "task_slack_key(due_at, expected_minutes)"
_SQLITE_KEY = "(coalesce(julianday(due_at), 1e9) - expected_minutes / 1440.0)"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
    key = _PG_KEY if dialect == "postgresql" else _SQLITE_KEY
    op.execute(f"CREATE INDEX ix_tasks_slack ON tasks (unit, status, {key}, id)")
    op.execute(f"CREATE INDEX ix_tasks_slack_all ON tasks (status, {key}, id)")
    op.create_index("ix_tasks_claimed_by", "tasks", ["claimed_by", "status"])
    op.create_index("ix_tasks_assignee", "tasks", ["assignee", "status"])
    op.create_index("ix_tasks_leases", "tasks", ["status", "lease_expires_at"])


def downgrade() -> None:
    op.drop_index("ix_tasks_leases", table_name="tasks")
    op.drop_index("ix_tasks_assignee", table_name="tasks")
    op.drop_index("ix_tasks_claimed_by", table_name="tasks")
    op.drop_index("ix_tasks_slack_all", table_name="tasks")
    op.drop_index("ix_tasks_slack", table_name="tasks")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS task_slack_key(timestamptz, double precision)")
