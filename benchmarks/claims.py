"""Claim throughput on PostgreSQL: 16 agents claiming at once, beside 1 agent as the baseline.

Each claim is its own transaction (expire leases, capacity check, `FOR UPDATE SKIP LOCKED`,
conditional UPDATE, audit event, commit), as `intake tasks claim` runs it.

    .venv/bin/python benchmarks/claims.py --tasks 4000 [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from workflow.db import make_engine, migrate, session_factory
from workflow.models import Case, Task, Unit
from workflow.tasks import ClaimOutcome, LeasePolicy, claim_next

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
POLICY = LeasePolicy(lease=timedelta(hours=8), default_capacity=1_000_000)


@contextmanager
def fresh_database(admin_url: str, tasks: int) -> Iterator[str]:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"bench_claims_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine).begin() as session:
        session.add(Unit(code="claims", name="Claims", kind="line", calendar="office"))
        session.flush()
        case = Case(unit="claims", subject="bulk", reference="C-000001", opened_at=START)
        session.add(case)
        session.flush()
        session.execute(
            sa.insert(Task),
            [
                {
                    "case_id": case.id,
                    "unit": "claims",
                    "kind": "answer",
                    "status": "open",
                    "due_at": START + timedelta(minutes=i),
                    "title": f"task {i}",
                    "created_at": START,
                }
                for i in range(tasks)
            ],
        )
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def claim_all(url: str, workers: int) -> tuple[int, float]:
    counts = [0] * workers
    barrier = threading.Barrier(workers + 1)

    def work(index: int) -> None:
        engine = make_engine(url)
        sessions = session_factory(engine)
        barrier.wait()
        while True:
            with sessions.begin() as session:
                claim = claim_next(session, "claims", f"agent{index}", START, POLICY)
            if claim.outcome is ClaimOutcome.NOTHING:
                break
            counts[index] += claim.outcome is ClaimOutcome.CLAIMED
        engine.dispose()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return sum(counts), time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    rates = {}
    for workers in (1, args.workers):
        with fresh_database(args.postgres_url, args.tasks) as url:
            claimed, seconds = claim_all(url, workers)
        assert claimed == args.tasks, f"{claimed} of {args.tasks} claimed"
        rates[workers] = claimed / seconds
        print(
            f"{workers:>2} worker(s): {claimed} claims in {seconds:.1f} s = {rates[workers]:.0f}/s"
        )
    print(f"ratio {args.workers} workers / 1 worker: {rates[args.workers] / rates[1]:.1f}x")


if __name__ == "__main__":
    main()
