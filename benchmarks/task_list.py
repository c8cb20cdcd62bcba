"""The task-list query (least slack first, one unit, 50 rows) with a million tasks.

Baseline, measured in the same run on the same table: a plain `SELECT ... FROM tasks LIMIT 50`.

    .venv/bin/python benchmarks/task_list.py --tasks 1000000 [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import make_engine, migrate, session_factory
from workflow.models import Case, Unit
from workflow.queue import TaskFilter, task_list

UNITS = ("billing", "claims", "deliveries", "complaints", "techsupport", "loyalty")
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
COLUMNS = (
    "case_id,unit,kind,status,priority,due_at,title,note,payload,expected_minutes,attempts,"
    "created_at"
)


def _row(i: int) -> tuple[object, ...]:
    status = "open" if i % 5 else ("claimed" if i % 10 else "done")
    due = START + timedelta(minutes=(i * 7919) % 200_000)
    return (
        1, UNITS[i % len(UNITS)], "answer", status, 1 + i % 5,
        due.strftime("%Y-%m-%d %H:%M:%S.%f"), f"task {i}", "", "{}",
        float(5 + (i * 31) % 240), 0, START.strftime("%Y-%m-%d %H:%M:%S.%f"),
    )  # fmt: skip


def _prepare(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for code in UNITS:
            session.add(Unit(code=code, name=code, kind="line", calendar="office"))
        session.flush()
        session.add(Case(unit="claims", subject="bulk", reference="C-000001", opened_at=START))


def load_sqlite(engine: sa.Engine, count: int) -> None:
    raw = engine.raw_connection()
    cursor = raw.cursor()
    marks = ",".join("?" * len(COLUMNS.split(",")))
    for offset in range(0, count, 100_000):
        rows = [_row(i) for i in range(offset, min(count, offset + 100_000))]
        cursor.executemany(f"INSERT INTO tasks ({COLUMNS}) VALUES ({marks})", rows)
    raw.commit()
    cursor.execute("ANALYZE")
    raw.close()


def load_postgres(engine: sa.Engine, count: int) -> None:
    raw = engine.raw_connection()
    cursor = raw.cursor()
    for offset in range(0, count, 100_000):
        buffer = io.StringIO()
        for i in range(offset, min(count, offset + 100_000)):
            buffer.write("\t".join(map(str, _row(i))) + "\n")
        with cursor.copy(f"COPY tasks ({COLUMNS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            copy.write(buffer.getvalue())
    raw.commit()
    cursor.execute("ANALYZE tasks")
    raw.commit()
    raw.close()


def percentiles(run: Callable[[int], object], repeats: int) -> tuple[float, float]:
    times = []
    for n in range(repeats):
        began = time.perf_counter()
        run(n)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def measure(url: str, count: int, load: Callable[[sa.Engine, int], None], name: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    _prepare(sessions)
    began = time.perf_counter()
    load(engine, count)
    print(f"{name}: loaded {count:,} tasks in {time.perf_counter() - began:.1f} s")
    now = START + timedelta(days=3)
    with sessions() as session:

        def listing(n: int) -> object:
            return task_list(session, TaskFilter(unit=UNITS[n % len(UNITS)]), now)

        def plain(n: int) -> object:
            return session.execute(sa.text("SELECT * FROM tasks LIMIT 50")).all()

        assert len(listing(0)) == 50
        percentiles(listing, 20)  # warm the cache
        base50, base95 = percentiles(plain, 300)
        list50, list95 = percentiles(listing, 300)
    print(
        f"{name}: task list p50 {list50:.2f} ms, p95 {list95:.2f} ms; "
        f"plain LIMIT 50 p50 {base50:.2f} ms, p95 {base95:.2f} ms; "
        f"ratio p95 {list95 / base95:.1f}x"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'bench.db'}", args.tasks, load_sqlite, "SQLite")
    admin = sa.create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
    name = f"bench_tasks_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = sa.engine.make_url(args.postgres_url).set(database=name)
        measure(url.render_as_string(hide_password=False), args.tasks, load_postgres, "PostgreSQL")
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
