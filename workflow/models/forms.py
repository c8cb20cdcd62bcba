"""Paper specifics: scanner batches and the fields read from forms such as coupons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.models.base import Base, utcnow


class ScanBatch(Base):
    """One scanned file as the scanner produced it, before separation into documents."""

    __tablename__ = "scan_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    pages: Mapped[int] = mapped_column(default=0)
    documents: Mapped[int] = mapped_column(default=0)
    blank_pages: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FieldStatus:
    CONFIDENT = "confident"
    NEEDS_VERIFICATION = "needs_verification"
    VERIFIED = "verified"
    CORRECTED = "corrected"


class ContactField(Base):
    """One field read from a form, with how sure we are and what a person made of it."""

    __tablename__ = "contact_fields"
    __table_args__ = (UniqueConstraint("contact_id", "name", name="uq_contact_fields_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="text")
    value: Mapped[str] = mapped_column(Text, default="")
    read_value: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(default=0.0)
    valid: Mapped[bool] = mapped_column(default=True)
    problem: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30), default=FieldStatus.CONFIDENT)
    suggestions: Mapped[list[str]] = mapped_column(default=list)
    page: Mapped[int] = mapped_column(default=1)
    box: Mapped[dict[str, Any]] = mapped_column(default=dict)
    crop_sha256: Mapped[str | None] = mapped_column(String(64))
    verified_by: Mapped[str | None] = mapped_column(String(100))
    verified_at: Mapped[datetime | None]
    # Who is looking at the field in the verification queue, until when (workflow.field_claims):
    # two people are never shown the same field.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
