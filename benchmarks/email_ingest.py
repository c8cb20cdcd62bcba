"""Email ingest speed: IMAP fetch + parse + commit, against a raw imapclient loop in the same run.

    .venv/bin/python benchmarks/email_ingest.py [--messages 5000]

Starts a private Dovecot (needs `dovecot-imapd`), APPENDs N messages varied from the shared MIME
corpus and samples/email, then measures

- raw: imapclient `BODY.PEEK[]` in batches of 100 + `email.message_from_bytes`, nothing stored;
- intake, end to end on the same messages, as a running installation does it: `fetch_folder`
  (fetch, commit contact + ledger per batch, MOVE to the done folder) and, beside it, parse
  processes (`--workers`, default 1: the fetcher keeps the other core) that pick up committed
  contacts, read their originals from the blob store, `intake.mail.parse_email` them and
  store on the contact row the headers and text the extract stage stores (which also keeps
  the search index current). Not done: the sanitised HTML and attachment blobs, OCR, and
  classification. The clock stops when the last contact's text is stored.

Prints messages/s of both, the ratio, the CPU seconds each side used (the client process,
intake's parse processes, and the Dovecot processes serving it) and the load average. Goal:
intake >= 50% of raw and >= 300 messages/s.
"""

from __future__ import annotations

import argparse
import email
import os
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import Engine, bindparam, select, text, update  # noqa: E402

from benchmarks.collector_option import add_collector_option, apply_collector_option  # noqa: E402
from intake.app import App, open_app  # noqa: E402
from intake.channels.imap_connection import connect, disconnect  # noqa: E402
from intake.channels.imap_fetcher import fetch_folder  # noqa: E402
from intake.config import Settings  # noqa: E402
from intake.config_mail import ImapAccount  # noqa: E402
from intake.mail import MalformedEmail, parse_email  # noqa: E402
from intake.secrets import Secret  # noqa: E402
from tests.dovecot import running_dovecot  # noqa: E402
from workflow.blobs import BlobStore  # noqa: E402
from workflow.db import make_engine  # noqa: E402
from workflow.models import Contact  # noqa: E402

CORPUS = [
    *sorted((REPO.parent / "shared" / "data" / "mime").glob("*__*.txt")),
    *sorted((REPO.parent / "shared" / "data" / "mime").glob("*__*.eml")),
    *sorted((REPO / "samples" / "email").glob("*.eml")),
]


def varied_messages(count: int) -> list[bytes]:
    """`count` distinct messages: corpus files with a unique header line in front."""
    sources = [path.read_bytes() for path in CORPUS if path.stat().st_size < 200_000]
    return [f"X-Benchmark-Copy: {n}\r\n".encode() + sources[n % len(sources)] for n in range(count)]


@dataclass(frozen=True)
class Cpu:
    """CPU seconds one side used: its own process, its parse processes, the IMAP server."""

    client: float
    workers: float
    server: float

    @property
    def total(self) -> float:
        return self.client + self.workers + self.server


class CpuMeter:
    """CPU seconds of this process and of the Dovecot process tree between `start` and
    `stop`; the parse processes report their own."""

    def start(self) -> None:
        self._begin = self._now()

    def stop(self, workers: float = 0.0) -> Cpu:
        end = self._now()
        client, server = (b - a for a, b in zip(self._begin, end, strict=True))
        return Cpu(client, workers, server)

    def _now(self) -> tuple[float, float]:
        # Time for Dovecot to reap an IMAP process that just logged out, so its CPU is
        # counted on the side that used it (outside the timed part).
        time.sleep(SETTLE_SECONDS)
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime, dovecot_cpu()


SETTLE_SECONDS = 0.5


def dovecot_cpu() -> float:
    """CPU seconds of the Dovecot processes below this one, with their finished children."""
    parents: dict[int, list[int]] = {}
    times: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited meanwhile
            continue
        # The command name is in parentheses and may hold spaces; the fields follow it.
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents.setdefault(int(fields[1]), []).append(pid)
        # utime, stime, cutime, cstime (fields 14 to 17 of proc(5)), in clock ticks.
        times[pid] = (name, sum(int(value) for value in fields[11:15]))
    servers = [pid for pid in parents.get(os.getpid(), []) if times[pid][0] == "dovecot"]
    ticks = 0.0
    while servers:
        pid = servers.pop()
        ticks += times[pid][1]
        servers.extend(parents.get(pid, []))
    return ticks / os.sysconf("SC_CLK_TCK")


def raw_loop(client_factory, count: int) -> float:  # type: ignore[no-untyped-def]
    client = client_factory()
    started = time.perf_counter()
    client.select_folder("INBOX", readonly=True)
    uids = client.search("ALL")
    parsed = 0
    for start in range(0, len(uids), 100):
        for data in client.fetch(uids[start : start + 100], ["BODY.PEEK[]"]).values():
            email.message_from_bytes(data[b"BODY[]"])
            parsed += 1
    elapsed = time.perf_counter() - started
    client.logout()
    assert parsed == count, f"raw loop read {parsed} of {count}"
    return elapsed


@dataclass(frozen=True)
class ExtractedHeaders:
    """What the extract stage writes on the contact row from a parsed email."""

    contact_id: int
    subject: str
    sender_name: str
    sender_address: str | None
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    auto_submitted: bool
    text: str
    malformed: bool


@dataclass
class Worker:
    """A parse process's own database engine and blob store, opened once by `start_worker`."""

    engine: Engine
    blobs: BlobStore
    max_bytes: int


_worker: Worker | None = None


def start_worker(database_url: str, blob_root: str, max_bytes: int) -> None:
    global _worker
    _worker = Worker(make_engine(database_url), BlobStore(Path(blob_root)), max_bytes)


@dataclass(frozen=True)
class ChunkDone:
    """What a worker reports for one chunk: contacts done, malformed ones, its CPU seconds."""

    done: int
    malformed: int
    cpu: float


def extract_chunk(rows: list[tuple[int, str]]) -> ChunkDone:
    """In a worker process: read, parse and store each contact, as the extract stage does in
    its own worker; the counts and the CPU time it took go back to the main process."""
    assert _worker is not None, "start_worker runs first"
    started = time.process_time()
    results = [
        extracted(contact_id, _worker.blobs.get(sha), _worker.max_bytes) for contact_id, sha in rows
    ]
    store_extracted(_worker.engine, results)
    malformed = sum(1 for r in results if r.malformed)
    return ChunkDone(len(results), malformed, time.process_time() - started)


def extracted(contact_id: int, data: bytes, max_bytes: int) -> ExtractedHeaders:
    # The same fields and cuts as intake.stages.extract_email.copy_headers, and the body text.
    try:
        mail = parse_email(data, max_bytes=max_bytes)
    except MalformedEmail:
        # The extract stage would quarantine it; it counts as parsed.
        return ExtractedHeaders(contact_id, "", "", None, None, None, [], False, "", True)
    return ExtractedHeaders(
        contact_id=contact_id,
        subject=mail.subject[:1000],
        sender_name=mail.sender_name[:300],
        sender_address=(mail.sender_address or "").lower()[:320] or None,
        message_id=mail.message_id[:998] if mail.message_id else None,
        in_reply_to=mail.in_reply_to[:998] if mail.in_reply_to else None,
        references=list(mail.references),
        auto_submitted=mail.auto_submitted,
        text=mail.text.strip(),
        malformed=False,
    )


def store_extracted(engine: Engine, results: list[ExtractedHeaders]) -> None:
    """One UPDATE per chunk, as the extract stage's commit would (the search index follows)."""
    table = Contact.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("contact_id"))
        .values({name: bindparam(name) for name in STORED_FIELDS})
    )
    with engine.begin() as connection:
        connection.execute(
            statement,
            [
                {"contact_id": r.contact_id, **{name: getattr(r, name) for name in STORED_FIELDS}}
                for r in results
            ],
        )


STORED_FIELDS = (
    "subject",
    "sender_name",
    "sender_address",
    "message_id",
    "in_reply_to",
    "references",
    "auto_submitted",
    "text",
)


class Extractor:
    """Beside the fetch: picks up committed contacts and hands them to the worker processes,
    which parse them and store what the extract stage stores, until `count` are done."""

    def __init__(self, app: App, pool: ProcessPoolExecutor, count: int) -> None:
        self.app, self.pool, self.count = app, pool, count
        self.done = 0
        self.malformed = 0
        # CPU seconds the workers spent on the chunks (not on starting up).
        self.cpu = 0.0
        self.error: BaseException | None = None
        # Set when the fetch failed, so the loop does not wait for contacts that never come.
        self.abandoned = threading.Event()
        self.thread = threading.Thread(target=self._run, name="extract", daemon=True)

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as error:  # reported by the main thread after join()
            self.error = error

    def _loop(self) -> None:
        last_id = 0
        pending: set[Future[ChunkDone]] = set()
        while self.done < self.count and not self.abandoned.is_set():
            with self.app.sessions() as session:
                rows = [
                    (contact_id, sha)
                    for contact_id, sha in session.execute(
                        select(Contact.id, Contact.sha256)
                        .where(Contact.id > last_id)
                        .order_by(Contact.id)
                        .limit(PICK_UP)
                    )
                ]
            if rows:
                last_id = rows[-1][0]
                for start in range(0, len(rows), CHUNK):
                    pending.add(self.pool.submit(extract_chunk, rows[start : start + CHUNK]))
            if not pending:
                time.sleep(IDLE_POLL_SECONDS)
                continue
            finished, pending = wait(pending, timeout=0.05, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = future.result()
                self.done += chunk.done
                self.malformed += chunk.malformed
                self.cpu += chunk.cpu


# Contacts picked up per poll, and sent to a worker together.
PICK_UP = 400
CHUNK = 100
# How long the dispatcher waits for new commits when the workers have nothing to do: its
# queries run in the fetcher's process, and 20 ms can delay the end of a run by at most that.
IDLE_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class IntakeTimes:
    total: float
    fetch_commit_move: float
    malformed: int
    cpu: Cpu


def intake_run(
    home: Path, account: ImapAccount, count: int, workers: int, *, search_index: bool = True
) -> IntakeTimes:
    """Fetch + commit + move, with parse + store in `workers` processes beside it."""
    app = open_app(Settings(home=home))
    if not search_index:
        drop_search_triggers(app)
    meter = CpuMeter()
    meter.start()
    client = connect(account)
    worker_setup = (
        app.settings.resolved_database_url,
        str(app.blobs.root),
        app.settings.max_email_bytes,
    )
    with ProcessPoolExecutor(workers, initializer=start_worker, initargs=worker_setup) as pool:
        # Started before the clock, as a running pipeline's workers are.
        list(pool.map(int, range(workers)))
        extractor = Extractor(app, pool, count)
        started = time.perf_counter()
        extractor.thread.start()
        try:
            counts = fetch_folder(app, account, client, "INBOX")
        except BaseException:
            extractor.abandoned.set()
            raise
        fetched = time.perf_counter()
        extractor.thread.join()
        finished = time.perf_counter()
    disconnect(client)
    cpu = meter.stop(workers=extractor.cpu)
    app.close()
    if extractor.error is not None:
        raise extractor.error
    assert counts.fetched == count and counts.warning == "", counts
    return IntakeTimes(finished - started, fetched - started, extractor.malformed, cpu)


def drop_search_triggers(app: App) -> None:
    """Only to measure what keeping the search index current costs (migration 0007)."""
    with app.engine.begin() as connection:
        for event in ("insert", "update", "delete"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS contact_search_{event}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1, help="parse processes")
    parser.add_argument(
        "--without-search-index",
        action="store_true",
        help="drop the SQLite search-index triggers first, to measure their share",
    )
    add_collector_option(parser)
    options = parser.parse_args()
    apply_collector_option(options)
    messages = varied_messages(options.messages)
    with running_dovecot() as server, tempfile.TemporaryDirectory() as home:
        user = server.add_user()
        started = time.perf_counter()
        server.append(messages, user=user)
        print(f"APPENDed {len(messages)} messages in {time.perf_counter() - started:.1f} s")
        meter = CpuMeter()
        meter.start()
        raw = raw_loop(lambda: server.client(user), len(messages))
        raw_cpu = meter.stop()
        account = ImapAccount(
            name="bench",
            host="127.0.0.1",
            port=server.port,
            security="none",
            username=user,
            password=Secret(literal=server.users[user]),
            batch_size=options.batch_size,
        )
        intake = intake_run(
            Path(home),
            account,
            len(messages),
            options.workers,
            search_index=not options.without_search_index,
        )
    n = len(messages)
    print(f"raw imapclient fetch + message_from_bytes: {n / raw:8.0f} messages/s ({raw:.1f} s)")
    print(
        f"intake fetch + commit + move + parse:      {n / intake.total:8.0f} messages/s "
        f"({intake.total:.1f} s; fetch+commit+move done after {intake.fetch_commit_move:.1f} s; "
        f"{intake.malformed} malformed)"
    )
    print(f"ratio intake/raw: {raw / intake.total:.0%}")
    for side, cpu in (("raw", raw_cpu), ("intake", intake.cpu)):
        print(
            f"CPU seconds {side + ':':7} {cpu.total:5.2f} (client process {cpu.client:.2f}, "
            f"parse processes {cpu.workers:.2f}, Dovecot {cpu.server:.2f})"
        )
    print("load average (1, 5, 15 min): " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
