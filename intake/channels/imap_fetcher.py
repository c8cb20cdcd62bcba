"""One pass over one IMAP folder: fetch what is new, commit it, only then acknowledge it.

The order is what makes the channel safe:

1. SELECT the folder and compare its UIDVALIDITY with the ledger's (a change: read it all again).
2. Acknowledge what an earlier run committed but could not move (a crash in between).
3. Find the UIDs above the highest one in the ledger, FETCH them in batches (`BODY.PEEK[]`,
   so the server's \\Seen flag is left alone).
4. Commit every message of a batch as a contact together with its ledger row.
5. Only then move the batch to the done folder (or flag it), and mark the rows acknowledged
   (committed batches are moved together, MOVE_AT_LEAST messages at a time).

Killed before 4, the messages are still new next time; killed between 4 and 5, they are in the
ledger, unacknowledged, and are only moved. Nothing is lost and nothing is stored twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from imapclient import IMAPClient
from sqlalchemy.orm import Session

from intake import failpoints
from intake.app import App
from intake.channels.imap_ledger import (
    FolderPlace,
    RunCounts,
    ledger_writer,
    mark_acknowledged,
    message_id_recogniser,
    open_folder,
    record_run,
    unacknowledged_uids,
    write_ledger,
)
from intake.channels.items import Channel, Outcome, Received, SourceItem
from intake.channels.receive import receive_batch
from intake.config_mail import ImapAccount

log = logging.getLogger(__name__)

# A batch also stops growing at this many bytes, so a few huge messages never sit in memory
# together; a single message above it is fetched alone.
BATCH_BYTES = 32_000_000
# Committed batches are moved together once they hold this many messages (and at the end of
# the pass): each MOVE waits for the server to update and sync the folders, so one per batch
# of 100 kept the connection waiting (5,000 messages: 50 MOVEs 2.2 s, 10 MOVEs 1.3 s).
MOVE_AT_LEAST = 500
DELETED = b"\\Deleted"
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]*>)", re.I | re.M)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def fetch_folder(app: App, account: ImapAccount, client: IMAPClient, folder: str) -> RunCounts:
    """Read `folder` once; the counts are recorded as a `FetchRun` and returned."""
    started = datetime.now(UTC)
    selected = client.select_folder(folder)
    with app.sessions() as session, session.begin():
        place = open_folder(session, account.name, folder, int(selected[b"UIDVALIDITY"]))
    if place.uidvalidity_changed:
        log.warning(
            "%s/%s: UIDVALIDITY changed to %d; reading the folder again, repeats are recognised",
            account.name,
            folder,
            place.uidvalidity,
        )
    counts = RunCounts(account.name, folder, started, uidvalidity_changed=place.uidvalidity_changed)
    counts = _acknowledge_leftovers(app, account, client, place, counts)
    # "n:*" always matches the last message, even one below n.
    found = client.search(["UID", f"{place.highest_uid + 1}:*"])
    uids = sorted(uid for uid in found if uid > place.highest_uid)
    counts = replace(counts, new=len(uids))
    if uids:
        sizes = {
            uid: int(data.get(b"RFC822.SIZE", 0))
            for uid, data in client.fetch(uids, ["RFC822.SIZE"]).items()
        }
        batches = plan_batches(uids, sizes, account.batch_size)
        counts = _fetch_batches(app, account, client, place, batches, counts)
    with app.sessions() as session, session.begin():
        record_run(session, counts)
    if counts.warning:
        log.warning("%s/%s: %s", account.name, folder, counts.warning)
    return counts


def plan_batches(
    uids: Sequence[int], sizes: dict[int, int], batch_size: int
) -> Iterator[list[int]]:
    """UIDs in batches of at most `batch_size` messages and about BATCH_BYTES bytes."""
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if batch and (len(batch) >= max(1, batch_size) or total + size > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        yield batch


@dataclass(frozen=True)
class Download:
    """One batch as the server sent it: the UIDs it still had, with their items."""

    uids: list[int]
    message_ids: list[str | None]
    items: list[SourceItem]


@dataclass(frozen=True)
class BatchOutcome:
    """What committing one batch did: its UIDs (to acknowledge next) and its counts."""

    uids: list[int]
    fetched: int
    stored: int
    quarantined: int
    duplicates: int


def _fetch_batches(
    app: App,
    account: ImapAccount,
    client: IMAPClient,
    place: FolderPlace,
    batches: Iterator[list[int]],
    counts: RunCounts,
) -> RunCounts:
    """FETCH, commit and acknowledge the batches, overlapping the network with the database.

    The connection stays on this thread; a blob thread writes each batch's originals as soon
    as it is downloaded, and one committer thread writes the rows, in order. While batch N
    commits, batch N+1 is downloaded and its blobs written; while N+1 commits, N is moved.
    A batch's rows commit only after its blobs are on disk, it is moved only after its commit
    returned, and its ledger rows are marked acknowledged only after the MOVE (queued behind
    N+1's commit), so each batch keeps the order that makes a crash harmless; the overlap is
    only ever between different batches.
    """
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap-commit") as committer,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap-blobs") as blob_writer,
    ):
        pending: Future[BatchOutcome] | None = None
        unmoved: list[BatchOutcome] = []
        marks: list[Future[None]] = []
        for uids in batches:
            download = _download(account, client, place, uids)
            blobs = blob_writer.submit(app.blobs.put_many, [item.data for item in download.items])
            committed = pending.result() if pending is not None else None
            pending = (
                committer.submit(_commit, app, place, download, blobs) if download.items else None
            )
            if committed is not None:
                unmoved.append(committed)
            if sum(len(batch.uids) for batch in unmoved) >= MOVE_AT_LEAST:
                counts = _acknowledge_batches(account, client, unmoved, counts)
                marks.append(committer.submit(_mark_acknowledged, app, place, _uids_of(unmoved)))
                unmoved = []
        if pending is not None:
            unmoved.append(pending.result())
        if unmoved:
            counts = _acknowledge_batches(account, client, unmoved, counts)
            marks.append(committer.submit(_mark_acknowledged, app, place, _uids_of(unmoved)))
        for mark in marks:
            mark.result()
    return counts


def _uids_of(batches: list[BatchOutcome]) -> list[int]:
    return [uid for batch in batches for uid in batch.uids]


def _download(
    account: ImapAccount, client: IMAPClient, place: FolderPlace, uids: list[int]
) -> Download:
    fetched = client.fetch(uids, ["BODY.PEEK[]", "INTERNALDATE"])
    done: list[int] = []
    message_ids: list[str | None] = []
    items: list[SourceItem] = []
    for uid in uids:
        data = fetched.get(uid)
        if data is None or b"BODY[]" not in data:
            # Expunged by someone else between SEARCH and FETCH; the run's warning shows it.
            continue
        body = data[b"BODY[]"]
        done.append(uid)
        message_ids.append(message_id_of(body))
        items.append(_item(account, place, uid, body, data.get(b"INTERNALDATE"), message_ids[-1]))
    return Download(done, message_ids, items)


def _commit(
    app: App, place: FolderPlace, download: Download, blobs: Future[list[str]]
) -> BatchOutcome:
    """Store the batch's contacts with their ledger rows in one transaction, once the blob
    thread has stored their originals."""
    items = download.items
    shas = blobs.result()
    if place.uidvalidity_changed:
        # Each item writes its own ledger row, so the next one's Message-ID check sees it.
        results = receive_batch(app, items, stored_blobs=shas)
    else:

        def write_batch_ledger(session: Session, received: list[Received]) -> None:
            for _ in received:
                failpoints.hit("imap.before_commit")
            entries = zip(
                download.uids, download.message_ids, (r.contact_id for r in received), strict=True
            )
            write_ledger(session, place, list(entries))

        results = receive_batch(app, items, also_commit=write_batch_ledger, stored_blobs=shas)
    limit = app.settings.max_email_bytes
    new = [item for result, item in zip(results, items, strict=True) if _stored(result)]
    # Stored all the same (nothing blocks the inbox); the extract stage quarantines them.
    too_big = sum(1 for item in new if len(item.data) > limit)
    return BatchOutcome(
        uids=download.uids,
        fetched=len(items),
        stored=len(new) - too_big,
        quarantined=too_big,
        duplicates=sum(1 for r in results if r.outcome is Outcome.DUPLICATE),
    )


def _acknowledge_batches(
    account: ImapAccount,
    client: IMAPClient,
    committed: list[BatchOutcome],
    counts: RunCounts,
) -> RunCounts:
    """Move committed batches with one command (the caller marks their ledger rows
    afterwards) and count them."""
    for _ in committed:
        failpoints.hit("imap.before_move")
    acknowledge(client, account, _uids_of(committed))
    for batch in committed:
        counts = replace(
            counts,
            fetched=counts.fetched + batch.fetched,
            stored=counts.stored + batch.stored,
            quarantined=counts.quarantined + batch.quarantined,
            duplicates=counts.duplicates + batch.duplicates,
            acknowledged=counts.acknowledged + len(batch.uids),
        )
    return counts


def _mark_acknowledged(app: App, place: FolderPlace, uids: list[int]) -> None:
    with app.sessions() as session, session.begin():
        mark_acknowledged(session, place, uids)


def _stored(result: Received) -> bool:
    return result.outcome is Outcome.STORED


def _item(
    account: ImapAccount,
    place: FolderPlace,
    uid: int,
    data: bytes,
    when: object,
    message_id: str | None,
) -> SourceItem:
    # The server's arrival time; a server that sends none (or a naive one) gets ours.
    received = datetime.now(UTC)
    if isinstance(when, datetime) and when.tzinfo is not None:
        received = when.astimezone(UTC)

    def commit_with_contact(session: Session, contact_id: int) -> None:
        failpoints.hit("imap.before_commit")
        write(session, contact_id)

    write = ledger_writer(place, uid, message_id)
    return SourceItem(
        channel=Channel.EMAIL,
        source=(
            f"imap://{account.username}@{account.host}/{place.folder}"
            f";UIDVALIDITY={place.uidvalidity}/;UID={uid}"
        ),
        filename=f"{account.name}.{uid}.eml",
        data=data,
        received_at=received,
        media_type="message/rfc822",
        # After a UIDVALIDITY change only; otherwise the batch writes its ledger rows at once.
        also_commit=commit_with_contact if place.uidvalidity_changed else None,
        recognise=message_id_recogniser(place, message_id) if place.uidvalidity_changed else None,
    )


def message_id_of(data: bytes) -> str | None:
    """The Message-ID from the header block, without parsing the whole message."""
    end = _HEADER_END.search(data)
    found = _MESSAGE_ID.search(data, 0, end.start() if end else len(data))
    return found.group(1).decode("ascii", "replace")[:998] if found else None


def _acknowledge_leftovers(
    app: App, account: ImapAccount, client: IMAPClient, place: FolderPlace, counts: RunCounts
) -> RunCounts:
    with app.sessions() as session:
        leftovers = unacknowledged_uids(session, place)
    if not leftovers:
        return counts
    log.info("%s/%s: moving %d committed messages", account.name, place.folder, len(leftovers))
    # UID commands skip UIDs that are gone, so a message moved just before a crash is harmless.
    acknowledge(client, account, leftovers)
    with app.sessions() as session, session.begin():
        mark_acknowledged(session, place, leftovers)
    return replace(counts, acknowledged=counts.acknowledged + len(leftovers))


def acknowledge(client: IMAPClient, account: ImapAccount, uids: list[int]) -> None:
    """Move `uids` to the done folder (MOVE, else COPY + \\Deleted + EXPUNGE), or flag them."""
    if not account.done_folder:
        client.add_flags(uids, [account.done_flag])
        return
    if not client.folder_exists(account.done_folder):
        client.create_folder(account.done_folder)
    if client.has_capability("MOVE"):
        client.move(uids, account.done_folder)
        return
    client.copy(uids, account.done_folder)
    client.add_flags(uids, [DELETED])
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        # Without UIDPLUS, EXPUNGE also removes what others marked \Deleted in this folder.
        client.expunge()
