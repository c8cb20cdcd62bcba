"""Contacts by arrival time: reports, the dashboard's contacts per hour and search date filters

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 16:30:00

Without this index every report period and the dashboard's last 24 hours scan `contacts`.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contacts_received_at", "contacts", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_contacts_received_at", table_name="contacts")
