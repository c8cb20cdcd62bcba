"""The IMAP ledger: per folder the UIDVALIDITY and highest UID read, per message its row.

A message is identified by account + folder + UIDVALIDITY + UID. Its ledger row commits in
the same transaction as its contact, and is marked acknowledged once the message has been
moved or flagged on the server. After a UIDVALIDITY change the old UIDs mean nothing: every
message is read again, and a repeat is recognised by its bytes (SHA-256) or its Message-ID.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, aliased

from workflow.models import FetchRun, MailboxState, MailLedgerEntry
from workflow.models.base import utcnow


@dataclass(frozen=True)
class FolderPlace:
    """Where a folder stands: its UIDVALIDITY and the highest UID already in the ledger."""

    account: str
    folder: str
    uidvalidity: int
    highest_uid: int
    # True when the server's UIDVALIDITY differs from the one we knew: refetch everything.
    uidvalidity_changed: bool = False


def open_folder(session: Session, account: str, folder: str, uidvalidity: int) -> FolderPlace:
    """The folder's place, starting over from UID 0 when the server's UIDVALIDITY changed."""
    state = session.scalar(
        select(MailboxState).where(MailboxState.account == account, MailboxState.folder == folder)
    )
    if state is None:
        session.add(MailboxState(account=account, folder=folder, uidvalidity=uidvalidity))
        return FolderPlace(account, folder, uidvalidity, 0)
    if state.uidvalidity != uidvalidity:
        state.uidvalidity, state.highest_uid = uidvalidity, 0
        return FolderPlace(account, folder, uidvalidity, 0, uidvalidity_changed=True)
    return FolderPlace(account, folder, uidvalidity, state.highest_uid)


def ledger_writer(
    place: FolderPlace, uid: int, message_id: str | None
) -> Callable[[Session, int], None]:
    """The work that commits with message `uid`'s contact: its ledger row, the folder's mark."""

    def write(session: Session, contact_id: int) -> None:
        session.add(
            MailLedgerEntry(
                account=place.account,
                folder=place.folder,
                uidvalidity=place.uidvalidity,
                uid=uid,
                message_id=message_id,
                contact_id=contact_id,
            )
        )
        session.execute(
            update(MailboxState)
            .where(
                MailboxState.account == place.account,
                MailboxState.folder == place.folder,
                MailboxState.highest_uid < uid,
            )
            .values(highest_uid=uid, updated_at=utcnow())
        )

    return write


def write_ledger(
    session: Session, place: FolderPlace, entries: Sequence[tuple[int, str | None, int | None]]
) -> None:
    """What `ledger_writer` writes, for a whole batch of (uid, message_id, contact_id):
    one insert for the rows and one update of the folder's mark."""
    if not entries:
        return
    # A Core insert, as for the batch's contacts: the ORM's bulk path adds its own bookkeeping.
    session.connection().execute(
        insert(MailLedgerEntry.__table__),
        [
            {
                "account": place.account,
                "folder": place.folder,
                "uidvalidity": place.uidvalidity,
                "uid": uid,
                "message_id": message_id,
                "contact_id": contact_id,
            }
            for uid, message_id, contact_id in entries
        ],
    )
    highest = max(uid for uid, _, _ in entries)
    session.execute(
        update(MailboxState)
        .where(
            MailboxState.account == place.account,
            MailboxState.folder == place.folder,
            MailboxState.highest_uid < highest,
        )
        .values(highest_uid=highest, updated_at=utcnow())
    )


def message_id_recogniser(
    place: FolderPlace, message_id: str | None
) -> Callable[[Session], int | None] | None:
    """After a UIDVALIDITY change: the contact a message with this Message-ID already became.

    Only rows of an earlier UIDVALIDITY count, and each only once (not yet claimed by a message
    of the current UIDVALIDITY), so two different messages sharing a Message-ID both survive.
    """
    if not message_id:
        return None

    def recognise(session: Session) -> int | None:
        current = aliased(MailLedgerEntry)
        claimed = select(current.contact_id).where(
            current.account == place.account,
            current.folder == place.folder,
            current.uidvalidity == place.uidvalidity,
            current.contact_id.is_not(None),
        )
        return session.scalar(
            select(MailLedgerEntry.contact_id)
            .where(
                MailLedgerEntry.account == place.account,
                MailLedgerEntry.folder == place.folder,
                MailLedgerEntry.uidvalidity != place.uidvalidity,
                MailLedgerEntry.message_id == message_id,
                MailLedgerEntry.contact_id.not_in(claimed),
            )
            .order_by(MailLedgerEntry.id)
            .limit(1)
        )

    return recognise


def unacknowledged_uids(session: Session, place: FolderPlace) -> list[int]:
    """Messages committed but not yet moved or flagged (a crash came in between)."""
    return list(
        session.scalars(
            select(MailLedgerEntry.uid)
            .where(
                MailLedgerEntry.account == place.account,
                MailLedgerEntry.folder == place.folder,
                MailLedgerEntry.uidvalidity == place.uidvalidity,
                MailLedgerEntry.acknowledged_at.is_(None),
            )
            .order_by(MailLedgerEntry.uid)
        )
    )


def mark_acknowledged(session: Session, place: FolderPlace, uids: Sequence[int]) -> None:
    session.execute(
        update(MailLedgerEntry)
        .where(
            MailLedgerEntry.account == place.account,
            MailLedgerEntry.folder == place.folder,
            MailLedgerEntry.uidvalidity == place.uidvalidity,
            MailLedgerEntry.uid.in_(list(uids)),
        )
        .values(acknowledged_at=utcnow())
    )


@dataclass(frozen=True)
class RunCounts:
    """One pass over one folder, as recorded in `fetch_runs`."""

    account: str
    folder: str
    started_at: datetime
    new: int = 0
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    acknowledged: int = 0
    uidvalidity_changed: bool = False

    @property
    def warning(self) -> str:
        """Why the counts disagree, or empty: every message found must be accounted for."""
        problems = []
        if self.fetched != self.new:
            problems.append(f"{self.new} new messages found but {self.fetched} fetched")
        accounted = self.stored + self.duplicates + self.quarantined
        if accounted != self.fetched:
            problems.append(
                f"{self.fetched} fetched but {accounted} accounted for "
                f"({self.stored} stored, {self.duplicates} duplicates, "
                f"{self.quarantined} quarantined)"
            )
        return "; ".join(problems)


def record_run(session: Session, counts: RunCounts) -> None:
    session.add(
        FetchRun(
            account=counts.account,
            folder=counts.folder,
            started_at=counts.started_at,
            finished_at=utcnow(),
            fetched=counts.fetched,
            stored=counts.stored,
            duplicates=counts.duplicates,
            quarantined=counts.quarantined,
            warning=counts.warning,
        )
    )
