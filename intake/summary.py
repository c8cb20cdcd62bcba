"""What the pipeline did, as values the CLI (and later the web UI) shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.models import Contact, ContactStatus, Task, TaskStatus


@dataclass(frozen=True)
class UnitQueue:
    unit: str
    open_tasks: int
    next_deadline: datetime | None
    last_deadline: datetime | None


@dataclass(frozen=True)
class QuarantineEntry:
    contact_id: int
    channel: str
    source: str
    reason: str
    quarantined_at: datetime | None


@dataclass(frozen=True)
class Summary:
    by_channel: dict[str, int]
    by_topic: dict[str, int]
    by_stage: dict[str, int]
    queues: list[UnitQueue]
    quarantine: list[QuarantineEntry]

    @property
    def contacts(self) -> int:
        return sum(self.by_channel.values())


def _counts(session: Session, column: object) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column).order_by(column))
    return {str(key) if key is not None else "(none)": count for key, count in rows}


def unit_queues(session: Session) -> list[UnitQueue]:
    rows = session.execute(
        select(Task.unit, func.count(), func.min(Task.due_at), func.max(Task.due_at))
        .where(Task.status.in_([TaskStatus.OPEN, TaskStatus.CLAIMED]))
        .group_by(Task.unit)
        .order_by(Task.unit)
    )
    return [UnitQueue(unit, count, first, last) for unit, count, first, last in rows]


def quarantine(session: Session) -> list[QuarantineEntry]:
    rows = session.scalars(
        select(Contact)
        .where(Contact.status == ContactStatus.QUARANTINED)
        .order_by(Contact.quarantined_at, Contact.id)
    )
    return [
        QuarantineEntry(c.id, c.channel, c.source, c.quarantine_reason or "", c.quarantined_at)
        for c in rows
    ]


def summarise(session: Session) -> Summary:
    return Summary(
        by_channel=_counts(session, Contact.channel),
        by_topic=_counts(session, Contact.topic),
        by_stage=_counts(session, Contact.stage),
        queues=unit_queues(session),
        quarantine=quarantine(session),
    )
