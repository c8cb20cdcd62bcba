"""The supervisor dashboard with 100,000 open tasks (and a day's worth of contacts).

Measures the dashboard service (`intake.services.dashboard.dashboard`: per-unit GROUP BY,
agents' claims, contacts per hour, incidents) and the live fragment over HTTP (service plus
template, `GET /dashboard/live` through the ASGI app), against a baseline measured in the same
run on the same database: the first page of one unit's task list (`workflow.queue.task_list`,
50 rows, least slack first), which is what the back office loads all day.

    .venv/bin/python benchmarks/dashboard.py --tasks 100000 --contacts 20000 [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
# benchmarks/classify.py would shadow the classify package: the repository comes first.
sys.path.insert(0, str(REPO))

from intake.app import App, open_app  # noqa: E402
from intake.config import Settings  # noqa: E402
from intake.demo_users import DEMO_PASSWORD, ensure_demo_users  # noqa: E402
from intake.services import dashboard  # noqa: E402
from intake.services.principal import Principal  # noqa: E402
from workflow.accounts import Role  # noqa: E402
from workflow.db import unit_of_work  # noqa: E402
from workflow.models import Case, Contact  # noqa: E402
from workflow.queue import TaskFilter, task_list  # noqa: E402

UNITS = ("billing", "claims", "deliveries", "complaints", "techsupport", "loyalty")
AGENTS = ("a.kowalska", "m.zielinska", "k.wojcik", "e.szymanska", "m.dabrowski", "z.kozlowska")
CHANNELS = ("email", "email", "email", "scan", "upload")
NOW = datetime.now(UTC).replace(microsecond=0)
OVERSEER = Principal(0, "bench", "Bench", Role.SUPERVISOR, (), None)
COLUMNS = (
    "case_id,unit,kind,status,priority,due_at,title,note,payload,expected_minutes,attempts,"
    "created_at,claimed_by,lease_expires_at"
)
_STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _row(i: int, case_id: int) -> tuple[object, ...]:
    """Open tasks due from two days ago to ten days ahead; one in a thousand claimed by an
    agent (a hundred claims: about what the demo's agents can hold at their capacity)."""
    claimed = i % 1000 == 0
    due = NOW + timedelta(minutes=(i * 7919) % (12 * 1440) - 2 * 1440)
    lease = (NOW + timedelta(minutes=30)).strftime(_STAMP) if claimed else None
    return (
        case_id, UNITS[i % len(UNITS)], "answer", "claimed" if claimed else "open", 1 + i % 5,
        due.strftime(_STAMP), f"task {i}", "", "{}", float(5 + (i * 31) % 60), 0,
        (NOW - timedelta(minutes=i % 7200)).strftime(_STAMP),
        AGENTS[i % len(AGENTS)] if claimed else None, lease,
    )  # fmt: skip


def _values(row: tuple[object, ...]) -> str:
    return "\t".join("\\N" if value is None else str(value) for value in row) + "\n"


def load_tasks(app: App, count: int) -> None:
    with unit_of_work(app.sessions) as session:
        case = Case(unit="claims", subject="bulk", reference="C-000001", opened_at=NOW)
        session.add(case)
        session.flush()
        case_id = case.id
    raw = app.engine.raw_connection()
    cursor = raw.cursor()
    for offset in range(0, count, 50_000):
        rows = [_row(i, case_id) for i in range(offset, min(count, offset + 50_000))]
        if app.engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY tasks ({COLUMNS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                copy.write(io.StringIO("".join(map(_values, rows))).getvalue())
        else:
            marks = ",".join("?" * len(COLUMNS.split(",")))
            cursor.executemany(f"INSERT INTO tasks ({COLUMNS}) VALUES ({marks})", rows)
    raw.commit()
    cursor.execute("ANALYZE" if app.engine.dialect.name == "sqlite" else "ANALYZE tasks")
    raw.commit()
    raw.close()


def load_contacts(app: App, count: int) -> None:
    """`count` contacts spread evenly over the last 48 hours."""
    step = timedelta(hours=48) / max(count, 1)
    rows = [
        {
            "channel": CHANNELS[i % len(CHANNELS)],
            "source": "bench",
            "source_key": f"bench-{i}",
            "sha256": f"{i:064x}",
            "received_at": NOW - step * i,
        }
        for i in range(count)
    ]
    with unit_of_work(app.sessions) as session:
        for offset in range(0, count, 5_000):
            session.execute(sa.insert(Contact), rows[offset : offset + 5_000])


def percentiles(run: Callable[[int], object], repeats: int) -> tuple[float, float]:
    times = []
    for n in range(repeats):
        began = time.perf_counter()
        run(n)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def measure(
    name: str, home: Path, url: str | None, tasks: int, contacts: int, repeats: int
) -> None:
    from fastapi.testclient import TestClient

    from intake.web.server import create_web_app

    settings = Settings(home=home, org_dir=REPO / "samples" / "org", database_url=url or "")
    app = open_app(settings)
    try:
        app.sync_organisation()
        ensure_demo_users(app)
        began = time.perf_counter()
        load_tasks(app, tasks)
        load_contacts(app, contacts)
        print(f"{name}: loaded {tasks:,} open tasks and {contacts:,} contacts "
              f"in {time.perf_counter() - began:.1f} s")  # fmt: skip
        client = TestClient(create_web_app(app))
        client.post("/signin", data={"username": "supervisor", "password": DEMO_PASSWORD})

        def listing(n: int) -> object:
            with app.sessions() as session:
                return task_list(session, TaskFilter(unit=UNITS[n % len(UNITS)]), NOW)

        def service(n: int) -> object:
            return dashboard.dashboard(app, OVERSEER)

        def fragment(n: int) -> object:
            response = client.get("/dashboard/live")
            assert response.status_code == 200, response.text
            return response

        board = dashboard.dashboard(app, OVERSEER)
        assert sum(u.queue for u in board.units) == tasks
        for run in (listing, service, fragment):
            percentiles(run, 3)  # warm the caches
        base50, base95 = percentiles(listing, repeats)
        serv50, serv95 = percentiles(service, repeats)
        frag50, frag95 = percentiles(fragment, repeats)
    finally:
        app.close()
    print(f"{name}: task list (baseline) p50 {base50:.1f} ms, p95 {base95:.1f} ms")
    print(f"{name}: dashboard service p50 {serv50:.1f} ms, p95 {serv95:.1f} ms, "
          f"ratio p95 {serv95 / base95:.1f}x")  # fmt: skip
    print(f"{name}: GET /dashboard/live p50 {frag50:.1f} ms, p95 {frag95:.1f} ms, "
          f"ratio p95 {frag95 / base95:.1f}x")  # fmt: skip


def main() -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--postgres-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", Path(folder), None, args.tasks, args.contacts, args.repeats)
    if not args.postgres_url:
        return
    admin = sa.create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
    database = f"bench_dashboard_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    try:
        url = sa.engine.make_url(args.postgres_url).set(database=database)
        with tempfile.TemporaryDirectory() as folder:
            target = url.render_as_string(hide_password=False)
            measure("PostgreSQL", Path(folder), target, args.tasks, args.contacts, args.repeats)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
