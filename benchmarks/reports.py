"""The reports page's aggregations over a year of contacts and tasks. Baseline, measured in the
same run for each period: the contacts of the period counted per channel without buckets (the
same scan and GROUP BY, minus the local day or week of each row).

    .venv/bin/python benchmarks/reports.py --contacts 100000 [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from scratch_database import scratch_database  # benchmarks/, the script's own folder

from workflow import reports
from workflow.db import make_engine, migrate, session_factory
from workflow.models import Case, Contact, Task, Unit
from workflow.report_periods import BucketSize, Period

END = date(2026, 11, 22)
TOPICS = ["billing", "claim", "delivery", "complaint", "technical", "loyalty", None]
UNITS = ["billing", "claims", "deliveries", "complaints"]


def load(engine: sa.Engine, contacts: int, rng: random.Random) -> None:
    start = datetime.combine(END - timedelta(days=365), datetime.min.time(), UTC)
    seconds = 366 * 86_400
    with engine.begin() as connection:
        connection.execute(
            sa.insert(Unit),
            [{"code": u, "name": u, "kind": "line", "calendar": "office"} for u in UNITS],
        )
        connection.execute(sa.insert(Case), [{"unit": u, "subject": u} for u in UNITS])
        for first in range(0, contacts, 5000):
            connection.execute(
                sa.insert(Contact),
                [
                    {
                        "channel": rng.choice(["email", "email", "scan"]),
                        "source": f"b{n}",
                        "source_key": f"b{n}",
                        "sha256": f"{n:064d}",
                        "received_at": start + timedelta(seconds=rng.randrange(seconds)),
                        "topic": rng.choice(TOPICS),
                        "sentiment": rng.choice(["negative", "neutral", "positive", None]),
                        "updated_at": start,
                    }
                    for n in range(first, min(first + 5000, contacts))
                ],
            )
            connection.execute(
                sa.insert(Task),
                [
                    {
                        "case_id": 1 + n % len(UNITS),
                        "unit": UNITS[n % len(UNITS)],
                        "kind": "answer",
                        "status": "done",
                        "due_at": (done := start + timedelta(seconds=rng.randrange(seconds)))
                        + timedelta(hours=rng.uniform(-10, 40)),
                        "completed_at": done,
                        "created_at": start,
                    }
                    for n in range(first, min(first + 5000, contacts), 2)
                ],
            )


def timed(action: Callable[[], object], runs: int) -> float:
    spent = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        spent.append((time.perf_counter() - began) * 1000)
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--postgres-url", default=None)
    args = parser.parse_args()
    with scratch_database(args.postgres_url, "bench_reports") as url:
        engine = make_engine(url)
        migrate(engine)
        load(engine, args.contacts, random.Random(5))
        factory = session_factory(engine)
        zone = "Europe/Warsaw"
        periods = {
            "4 weeks by day": Period(END - timedelta(days=27), END, BucketSize.DAY, zone),
            "1 year by week": Period(END - timedelta(days=364), END, BucketSize.WEEK, zone),
        }
        with factory() as session:
            print(f"{engine.dialect.name}, {args.contacts} contacts, {args.contacts // 2} tasks")
            for name, period in periods.items():
                plain = (
                    sa.select(Contact.channel, sa.func.count())
                    .where(Contact.received_at >= period.start, Contact.received_at < period.end)
                    .group_by(Contact.channel)
                )
                baseline = timed(lambda q=plain: session.execute(q).all(), args.runs)
                parts = {
                    "channels": lambda p=period: reports.contacts_over_time(session, p, "channel"),
                    "topics": lambda p=period: reports.contacts_over_time(session, p, "topic"),
                    "sentiment": lambda p=period: reports.contacts_over_time(
                        session, p, "sentiment"
                    ),
                    "pareto": lambda p=period: reports.pareto(reports.topic_counts(session, p)),
                    "attainment": lambda p=period: reports.deadline_attainment(session, p),
                }
                figures = {part: timed(action, args.runs) for part, action in parts.items()}
                total = sum(figures.values())
                shown = ", ".join(f"{part} {ms:.0f}" for part, ms in figures.items())
                print(
                    f"{name}: baseline {baseline:.0f} ms; {shown} ms; channels"
                    f" x{figures['channels'] / baseline:.1f}; all five {total:.0f} ms"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
