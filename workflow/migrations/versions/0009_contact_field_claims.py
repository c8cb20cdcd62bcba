"""Claims on form fields in the verification queue: who holds a field and until when

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 19:00:00

Two mailroom people taking "the next field" must get different fields; the holder and the
lease's end live on the field itself, like a task's claim. Existing fields start unclaimed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workflow.models.base import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contact_fields", sa.Column("claimed_by", sa.String(100), nullable=True))
    op.add_column(
        "contact_fields", sa.Column("lease_expires_at", UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # SQLite drops columns by copying the table (batch mode).
    with op.batch_alter_table("contact_fields") as table:
        table.drop_column("lease_expires_at")
        table.drop_column("claimed_by")
