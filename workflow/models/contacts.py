"""A contact (one email, letter or coupon) with its documents."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base, utcnow


class Stage(enum.StrEnum):
    """Durable pipeline stages, in order. A contact's stage is the last one committed."""

    RECEIVED = "received"
    EXTRACTED = "extracted"
    CLASSIFIED = "classified"
    ROUTED = "routed"


class ContactStatus(enum.StrEnum):
    ACTIVE = "active"
    QUARANTINED = "quarantined"


class DocumentRole(enum.StrEnum):
    ORIGINAL = "original"
    ATTACHMENT = "attachment"
    ARCHIVE = "archive"
    HTML = "html"


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_work", "status", "stage", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    # Where it came from (file path, mailbox); for people, not for identity.
    source: Mapped[str] = mapped_column(String(1000))
    # Identity of the source item, so a repeat is recognised and not ingested twice.
    source_key: Mapped[str] = mapped_column(String(600), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Reports, the dashboard and search filter and bucket by arrival time (migration 0008).
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    stage: Mapped[str] = mapped_column(String(20), default=Stage.RECEIVED)
    status: Mapped[str] = mapped_column(String(20), default=ContactStatus.ACTIVE)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    quarantine_reason: Mapped[str | None] = mapped_column(Text)
    quarantined_at: Mapped[datetime | None]

    subject: Mapped[str] = mapped_column(String(1000), default="")
    sender_name: Mapped[str] = mapped_column(String(300), default="")
    sender_address: Mapped[str | None] = mapped_column(String(320))
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    text: Mapped[str] = mapped_column(Text, default="")
    ocr_confidence: Mapped[float | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    references: Mapped[list[str]] = mapped_column(default=list)
    # Mail that is not a customer's request (auto-reply, delivery report): recorded, no case.
    noise: Mapped[str | None] = mapped_column(String(40))
    # The form a scan was recognised as (e.g. a coupon template), None for a letter.
    form: Mapped[str | None] = mapped_column(String(60))
    scan_batch_id: Mapped[int | None] = mapped_column(ForeignKey("scan_batches.id"))
    entities: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    product: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    archived_at: Mapped[datetime | None]

    language: Mapped[str | None] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(64))
    topic_score: Mapped[float | None]
    sentiment: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None]
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)

    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic lock: two workers advancing the same contact cannot both commit.
    version: Mapped[int] = mapped_column(default=1)

    documents: Mapped[list[Document]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="Document.id"
    )

    __mapper_args__ = {"version_id_col": version}


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(500), default="")
    media_type: Mapped[str] = mapped_column(String(200), default="application/octet-stream")
    blob_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    page_count: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None]
    # Why a document has no text (an attachment that could not be read), for the person reading.
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="documents")
