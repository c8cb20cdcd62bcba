"""Full-text search on SQLite (FTS5) or PostgreSQL (GIN): what the database-side index costs when
contacts are written, and what it saves when people search.

Two baselines measured in the same run:
- writing: the same contacts inserted into a database without the index triggers (SQLite) or
  without the generated tsvector column and its GIN index (PostgreSQL);
- searching: a scan with LIKE '%word%' over subject and text, which is what a search without an
  index would do (it cannot fold accents and finds parts of words, so it is the cheap bound).

    .venv/bin/python benchmarks/search.py --contacts 20000 [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from scratch_database import scratch_database  # benchmarks/, the script's own folder

from workflow.db import make_engine, migrate, session_factory
from workflow.models import Contact
from workflow.search import SearchFilters, SearchScope, search
from workflow.search_terms import parse_terms

TRAINING = Path(__file__).resolve().parents[1] / "samples" / "training"
START = datetime(2026, 1, 1, tzinfo=UTC)
EVERYTHING = SearchScope(everything=True)


def corpus() -> list[str]:
    texts = []
    for path in sorted(TRAINING.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def rows(count: int, rng: random.Random) -> list[dict[str, object]]:
    texts = corpus()
    made = []
    for number in range(count):
        body = " ".join(rng.sample(texts, 3)) + f"\nOrder ORD-{rng.randrange(10**7):07d}"
        made.append(
            {
                "channel": "email",
                "source": f"bench-{number}",
                "source_key": f"bench-{number}",
                "sha256": f"{number:064d}",
                "received_at": START + timedelta(minutes=number),
                "subject": body.split("\n", 1)[0][:120],
                "sender_name": "Bench Customer",
                "text": body,
                "updated_at": START,
            }
        )
    return made


def drop_index(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE contacts DROP COLUMN search_vector"))
            return
        for event in ("insert", "delete", "update"):
            connection.execute(sa.text(f"DROP TRIGGER contact_search_{event}"))


def insert_seconds(engine: sa.Engine, batch: list[dict[str, object]]) -> float:
    began = time.perf_counter()
    with engine.begin() as connection:
        for start in range(0, len(batch), 1000):
            connection.execute(sa.insert(Contact), batch[start : start + 1000])
    return time.perf_counter() - began


def timings(action: object, queries: list[str]) -> list[float]:
    spent = []
    for query in queries:
        began = time.perf_counter()
        action(query)  # type: ignore[operator]
        spent.append((time.perf_counter() - began) * 1000)
    return spent


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--postgres-url", default=None)
    args = parser.parse_args()
    rng = random.Random(11)
    data = rows(args.contacts, rng)
    words = sorted({w for text in corpus() for w in text.split() if w.isalpha() and len(w) > 5})
    queries = [rng.choice(words) for _ in range(args.queries)]

    with (
        scratch_database(args.postgres_url, "bench_search") as url,
        scratch_database(args.postgres_url, "bench_search") as bare_url,
    ):
        engine, bare = make_engine(url), make_engine(bare_url)
        migrate(engine)
        migrate(bare)
        drop_index(bare)
        indexed_s = insert_seconds(engine, data)
        bare_s = insert_seconds(bare, data)
        factory = session_factory(engine)

        def indexed(query: str) -> None:
            with factory() as session:
                search(session, parse_terms(query), SearchFilters(), EVERYTHING, limit=20)

        def scanned(query: str) -> None:
            pattern = f"%{query}%"
            with bare.connect() as connection:
                connection.execute(
                    sa.select(Contact.id)
                    .where(Contact.subject.ilike(pattern) | Contact.text.ilike(pattern))
                    .order_by(Contact.received_at.desc())
                    .limit(20)
                ).all()
                connection.execute(
                    sa.select(sa.func.count())
                    .select_from(Contact)
                    .where(Contact.subject.ilike(pattern) | Contact.text.ilike(pattern))
                ).scalar()

        indexed(queries[0])  # warm the caches of both before measuring
        scanned(queries[0])
        fts = timings(indexed, queries)
        scan = timings(scanned, queries)
        engine.dispose()
        bare.dispose()

    print(f"database: {engine.dialect.name}, contacts: {args.contacts}, queries: {args.queries}")
    print(
        f"insert with index {indexed_s:.2f} s, without {bare_s:.2f} s: "
        f"x{indexed_s / bare_s:.2f} ({args.contacts / indexed_s:.0f} contacts/s with index)"
    )
    print(
        f"search page (20 hits, count, snippets): median {statistics.median(fts):.1f} ms, "
        f"p95 {p95(fts):.1f} ms"
    )
    ratio = statistics.median(scan) / statistics.median(fts)
    print(
        f"LIKE scan baseline (20 ids, count): median {statistics.median(scan):.1f} ms, "
        f"p95 {p95(scan):.1f} ms; the index is x{ratio:.1f} faster (median)"
    )


if __name__ == "__main__":
    main()
