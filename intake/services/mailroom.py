"""The mailroom station: who may use it, and the recent scans with where each one stands.

A scan is listed whether it came in through the hot folder, `intake ingest` or an upload at the
station. The documents split from one scanned batch are shown together under the batch file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.app import App
from intake.channels.hot_folder import FAILED
from intake.channels.items import Channel
from intake.services.access import require_role
from intake.services.principal import Principal
from workflow.accounts import Role
from workflow.models import (
    Case,
    Contact,
    ContactField,
    ContactStatus,
    Document,
    DocumentRole,
    FieldStatus,
    Stage,
)

# Scans looked at for the list: a few days of a busy mailroom, grouped into batches.
RECENT_SCANS = 200
RECENT_BATCHES = 30
RECENT_REFUSALS = 20
REASON_SUFFIX = ".reason.txt"

# What each durable stage means to the person waiting for it.
_STAGE_LABELS: dict[str, str] = {
    Stage.RECEIVED: "being read",
    Stage.EXTRACTED: "read, being classified",
    Stage.CLASSIFIED: "classified, being routed",
    Stage.ROUTED: "routed",
}


def require_mailroom(principal: Principal) -> None:
    """The station is for the mailroom and those who oversee it (admins pass every check)."""
    require_role(principal, Role.MAILROOM, Role.SUPERVISOR)


@dataclass(frozen=True)
class ScanRow:
    """One scanned document (one contact) and how far the pipeline has taken it."""

    contact_id: int
    source: str
    filename: str
    received_at: datetime
    pages: int | None
    stage: str
    quarantine_reason: str | None
    retry_reason: str | None
    unit: str | None
    form: str | None
    subject: str
    fields_waiting: int

    @property
    def origin(self) -> str:
        """Where the scan came from, without repeating its file name."""
        return self.source.removesuffix(f": {self.filename}")

    @property
    def quarantined(self) -> bool:
        return self.quarantine_reason is not None

    @property
    def in_progress(self) -> bool:
        return not self.quarantined and self.stage != Stage.ROUTED

    @property
    def state(self) -> str:
        if self.quarantined:
            return "quarantined"
        return _STAGE_LABELS.get(self.stage, self.stage)


@dataclass(frozen=True)
class ScanBatchView:
    """One scanned file as it arrived, with the documents (contacts) made from it."""

    filename: str
    note: str
    rows: tuple[ScanRow, ...]

    @property
    def in_progress(self) -> bool:
        return any(row.in_progress for row in self.rows)


@dataclass(frozen=True)
class HotFolderRefusal:
    """A file the hot folder could not take: it lies in `failed/` with the reason beside it."""

    filename: str
    reason: str
    refused_at: datetime


@dataclass(frozen=True)
class MailroomOverview:
    batches: tuple[ScanBatchView, ...]
    fields_waiting: int
    refusals: tuple[HotFolderRefusal, ...]

    @property
    def in_progress(self) -> bool:
        return any(batch.in_progress for batch in self.batches)


def overview(app: App, principal: Principal) -> MailroomOverview:
    require_mailroom(principal)
    with app.sessions() as session:
        rows = _recent_rows(session)
        batches = _documents_by_batch(session, [row.contact_id for row in rows])
        waiting = fields_waiting(session)
    refused = hot_folder_refusals(app.settings.resolved_scanner_inbox / FAILED)
    return MailroomOverview(_group(rows, batches), waiting, refused)


def hot_folder_refusals(failed: Path) -> tuple[HotFolderRefusal, ...]:
    """The newest refusals of the hot folder (no contact was made of them, so they are files)."""
    if not failed.is_dir():
        return ()
    stamped: list[tuple[float, Path]] = []
    for note in failed.glob(f"*{REASON_SUFFIX}"):
        try:
            stamped.append((note.stat().st_mtime, note))
        except OSError:
            continue  # tidied away meanwhile
    newest = sorted(stamped, reverse=True)[:RECENT_REFUSALS]
    return tuple(
        refusal for stamp, note in newest if (refusal := _refusal(note, stamp)) is not None
    )


def _refusal(note: Path, stamp: float) -> HotFolderRefusal | None:
    try:
        reason = note.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return HotFolderRefusal(
        filename=note.name.removesuffix(REASON_SUFFIX),
        reason=reason,
        refused_at=datetime.fromtimestamp(stamp, UTC),
    )


def fields_waiting(session: Session) -> int:
    return (
        session.scalar(
            select(func.count(ContactField.id)).where(
                ContactField.status == FieldStatus.NEEDS_VERIFICATION
            )
        )
        or 0
    )


def _recent_rows(session: Session) -> list[ScanRow]:
    found = session.execute(
        select(Contact, Case.unit)
        .outerjoin(Case, Case.id == Contact.case_id)
        .where(Contact.channel == Channel.SCAN)
        .order_by(Contact.id.desc())
        .limit(RECENT_SCANS)
    ).all()
    ids = [contact.id for contact, _ in found]
    originals = _originals(session, ids)
    waiting = _fields_waiting_by_contact(session, ids)
    return [
        _row(contact, unit, originals.get(contact.id), waiting.get(contact.id, 0))
        for contact, unit in found
    ]


def _row(contact: Contact, unit: str | None, original: Document | None, waiting: int) -> ScanRow:
    quarantined = contact.status == ContactStatus.QUARANTINED
    return ScanRow(
        contact_id=contact.id,
        source=contact.source,
        filename=original.filename if original else "",
        received_at=contact.received_at,
        pages=original.page_count if original else None,
        stage=contact.stage,
        quarantine_reason=(contact.quarantine_reason or "no reason recorded")
        if quarantined
        else None,
        # A stage that failed and waits for its retry says why, so nobody wonders.
        retry_reason=contact.last_error if not quarantined and contact.attempts else None,
        unit=unit,
        form=contact.form,
        subject=contact.subject,
        fields_waiting=waiting,
    )


def _originals(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    documents = session.scalars(
        select(Document).where(Document.contact_id.in_(ids), Document.role == DocumentRole.ORIGINAL)
    )
    return {document.contact_id: document for document in documents}


def _fields_waiting_by_contact(session: Session, ids: Sequence[int]) -> dict[int, int]:
    counted = session.execute(
        select(ContactField.contact_id, func.count(ContactField.id))
        .where(
            ContactField.contact_id.in_(ids),
            ContactField.status == FieldStatus.NEEDS_VERIFICATION,
        )
        .group_by(ContactField.contact_id)
    )
    return {contact_id: count for contact_id, count in counted}


def _documents_by_batch(session: Session, ids: Sequence[int]) -> dict[int, Document]:
    """The batch file each split document links to; a scan's only attachment is its batch."""
    links = session.scalars(
        select(Document).where(
            Document.contact_id.in_(ids), Document.role == DocumentRole.ATTACHMENT
        )
    )
    return {link.contact_id: link for link in links}


def _batch_note(note: str) -> str:
    """What a document's link says about the whole batch, without the part about itself."""
    return "; ".join(part for part in note.split("; ") if not part.startswith("this contact"))


def _group(rows: Iterable[ScanRow], links: dict[int, Document]) -> tuple[ScanBatchView, ...]:
    """Batches newest first, their documents in batch order; a scan on its own is a batch of one."""
    members: dict[str, list[ScanRow]] = {}
    heads: dict[str, tuple[str, str]] = {}
    for row in rows:
        link = links.get(row.contact_id)
        key = f"batch-{link.blob_sha256}" if link else f"contact-{row.contact_id}"
        members.setdefault(key, []).append(row)
        heads.setdefault(
            key, (link.filename, _batch_note(link.note)) if link else (row.filename, "")
        )
    batches = [
        ScanBatchView(
            filename=heads[key][0],
            note=heads[key][1],
            rows=tuple(sorted(grouped, key=lambda row: row.contact_id)),
        )
        for key, grouped in members.items()
    ]
    return tuple(batches[:RECENT_BATCHES])
