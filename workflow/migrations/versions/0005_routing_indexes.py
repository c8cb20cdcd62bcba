"""Routing indexes: the incident check's window of cases by topic and opening time

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 15:00:00

`workflow/incidents.py` looks, for every new case, for cases of the same topic opened in the
last window minutes; without this index that query scans `cases` and grows with the table.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_topic_opened_at", "cases", ["topic", "opened_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_topic_opened_at", table_name="cases")
