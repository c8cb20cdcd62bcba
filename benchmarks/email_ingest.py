"""Email ingest speed: IMAP fetch + parse + commit, against a raw imapclient loop in the same run.

    .venv/bin/python benchmarks/email_ingest.py [--messages 5000]

Starts a private Dovecot (needs `dovecot-imapd`), APPENDs N messages varied from the shared MIME
corpus and samples/email, then measures

- raw: imapclient `BODY.PEEK[]` in batches of 100 + `email.message_from_bytes`, nothing stored;
- intake: `fetch_folder` (fetch, commit contact + ledger per batch, MOVE to the done folder)
  followed by `intake.mail.parse_email` of every stored message (no classification).

Prints messages/s of both and the ratio. Goal: intake >= 50% of raw and >= 300 messages/s.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import select  # noqa: E402

from intake.app import open_app  # noqa: E402
from intake.channels.imap_connection import connect, disconnect  # noqa: E402
from intake.channels.imap_fetcher import fetch_folder  # noqa: E402
from intake.config import Settings  # noqa: E402
from intake.config_mail import ImapAccount  # noqa: E402
from intake.mail import MalformedEmail, parse_email  # noqa: E402
from intake.secrets import Secret  # noqa: E402
from tests.dovecot import running_dovecot  # noqa: E402
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


def intake_run(home: Path, account: ImapAccount, count: int) -> tuple[float, float]:
    app = open_app(Settings(home=home))
    client = connect(account)
    started = time.perf_counter()
    counts = fetch_folder(app, account, client, "INBOX")
    fetched = time.perf_counter()
    with app.sessions() as session:
        shas = list(session.scalars(select(Contact.sha256)))
    for sha in shas:
        # A malformed message counts as parsed: the extract stage would quarantine it.
        with contextlib.suppress(MalformedEmail):
            parse_email(app.blobs.get(sha), max_bytes=app.settings.max_email_bytes)
    parsed = time.perf_counter()
    disconnect(client)
    app.close()
    assert counts.fetched == count and counts.warning == "", counts
    return fetched - started, parsed - fetched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=100)
    options = parser.parse_args()
    messages = varied_messages(options.messages)
    with running_dovecot() as server, tempfile.TemporaryDirectory() as home:
        user = server.add_user()
        started = time.perf_counter()
        server.append(messages, user=user)
        print(f"APPENDed {len(messages)} messages in {time.perf_counter() - started:.1f} s")
        raw = raw_loop(lambda: server.client(user), len(messages))
        account = ImapAccount(
            name="bench",
            host="127.0.0.1",
            port=server.port,
            security="none",
            username=user,
            password=Secret(literal=server.users[user]),
            batch_size=options.batch_size,
        )
        fetch_commit, parse = intake_run(Path(home), account, len(messages))
    total = fetch_commit + parse
    n = len(messages)
    print(f"raw imapclient fetch + message_from_bytes: {n / raw:8.0f} messages/s ({raw:.1f} s)")
    print(
        f"intake fetch + commit + move + parse:      {n / total:8.0f} messages/s ({total:.1f} s: "
        f"fetch+commit+move {fetch_commit:.1f} s, parse {parse:.1f} s)"
    )
    print(f"ratio intake/raw: {raw / total:.0%}")


if __name__ == "__main__":
    main()
