"""A case (what the customer wants) with the tasks people work on it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow

# Deadline minus expected handling time, as PostgreSQL indexes it (migration 0004).
_SLACK_KEY = "task_slack_key(due_at, expected_minutes)"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class TaskKind(enum.StrEnum):
    ANSWER = "answer"
    TRIAGE = "triage"
    CALLBACK = "callback"
    VERIFY = "verify"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The incident check's window: cases of a topic opened recently (migration 0005).
        Index("ix_cases_topic_opened_at", "topic", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    topic: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN)
    priority: Mapped[int] = mapped_column(default=3)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    routing_trail: Mapped[list[str]] = mapped_column(default=list)
    product: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(default=list)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    answered_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]
    # The deadline clock stops while we wait for the customer; paused time extends it.
    waiting_since: Mapped[datetime | None]
    paused_seconds: Mapped[float] = mapped_column(default=0.0)

    tasks: Mapped[list[Task]] = relationship(back_populates="case", order_by="Task.id")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # One task of a kind per contact: a re-run of the route stage cannot add a second.
        UniqueConstraint("contact_id", "kind", name="uq_tasks_contact_kind"),
        Index("ix_tasks_queue", "unit", "status", "due_at"),
        # Task lists and claims (workflow/queue.py, workflow/tasks.py), built by migration 0004.
        # The least-slack indexes are written in their PostgreSQL form; SQLite gets an
        # equivalent expression under the same names, which Alembic cannot reflect there.
        Index("ix_tasks_slack", "unit", "status", text(_SLACK_KEY), "id").ddl_if(
            dialect="postgresql"
        ),
        Index("ix_tasks_slack_all", "status", text(_SLACK_KEY), "id").ddl_if(dialect="postgresql"),
        Index("ix_tasks_claimed_by", "claimed_by", "status"),
        Index("ix_tasks_assignee", "assignee", "status"),
        Index("ix_tasks_leases", "status", "lease_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    unit: Mapped[str] = mapped_column(ForeignKey("units.code"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.OPEN)
    priority: Mapped[int] = mapped_column(default=3)
    due_at: Mapped[datetime | None]
    title: Mapped[str] = mapped_column(String(1000), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Kind-specific details, e.g. the fields a verification task asks about.
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignee: Mapped[str | None] = mapped_column(ForeignKey("agents.id"))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    expected_minutes: Mapped[float] = mapped_column(default=15.0)
    warned_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    # The unit the task was first routed to, when overflow moved it elsewhere.
    original_unit: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="tasks")
