"""Routing throughput: rules + the database write of the case and the task, contacts per second.

Measured on SQLite and on PostgreSQL (when reachable), beside two baselines from the same run
on the same contacts:
- `write only`: the same cases, tasks and audit events with a fixed decision, written the
  cheapest correct way (one multi-row INSERT per table per batch, `workflow.batch_writer`),
  no rules, no incident or overflow checks: the floor any routing must pay to store its result;
- `rules only`: `decide_route` without the database.
`rules + write` is the route stage's work after customer matching, batch by batch as the
pipeline does it (`--batch`, by default the pipeline's route batch): decide, plan, then
`write_batch` (overflow placement, cases, incident check, tasks, audit events). The figure that
matters is its rate, and its share of `write only`.

The machine may be shared, so each run also reports the CPU time it cost per contact: of this
process (`time.process_time`) and, for a PostgreSQL server on this machine whose processes
can be read in /proc, of the server backends serving the benchmark's database. Contacts per
CPU-second do not move with the load of other processes the way contacts per second do.

With `--processes N` (PostgreSQL only) both measurements run in N processes at once, each on
every N-th contact, as N scale-out workers (`intake worker`) route side by side on one
database; the clock runs from the moment all are ready to the end of the last one, and the CPU
is theirs and the server's.

    .venv/bin/python benchmarks/routing.py [--contacts 5000] [--batch 128] [--postgres URL]
    .venv/bin/python benchmarks/routing.py --processes 2
    .venv/bin/python benchmarks/routing.py --default-gc   # CPython's collector thresholds
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.collector_option import add_collector_option, apply_collector_option  # noqa: E402
from intake.app import App, open_app  # noqa: E402
from intake.config import Settings  # noqa: E402
from intake.pipeline import STEPS  # noqa: E402
from workflow.audit import AuditRows  # noqa: E402
from workflow.batch_writer import Work, insert_cases, insert_tasks, write_batch  # noqa: E402
from workflow.cases import plan_case, plan_task  # noqa: E402
from workflow.db import unit_of_work  # noqa: E402
from workflow.models import TaskKind, utcnow  # noqa: E402
from workflow.org import Organisation, load_organisation  # noqa: E402
from workflow.overflow import forget_throughputs  # noqa: E402
from workflow.routing import ContactFacts, RoutingDecision, decide_route  # noqa: E402

COMPLAINTS = REPO.parent / "shared" / "data" / "text" / "cfpb_complaints_sample" / "train.csv"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
# The pipeline's route batch, the default of `--batch`.
ROUTE_BATCH = next(step.batch_size for step in STEPS if step.name == "route")


def contacts(count: int) -> list[ContactFacts]:
    """Varied contacts: real complaint texts (for keyword rules), topics, tiers, postcodes,
    products, one arriving every two seconds from Monday 08:00."""
    texts = _texts()
    rng = random.Random(7)
    topics = ["billing", "claim", "delivery", "complaint", "technical", "loyalty"]
    return [
        ContactFacts(
            topic=rng.choice(topics),
            topic_score=rng.uniform(0.3, 1.0),
            sentiment=rng.choice(["negative", "neutral", "positive"]),
            sentiment_score=0.8,
            channel=rng.choice(["email", "scan"]),
            language=rng.choice(["en", "pl"]),
            received_at=START + timedelta(seconds=2 * number),
            customer_tier="vip" if rng.random() < 0.05 else "standard",
            postcode=rng.choice(["02-495", "31-019", "80-001", None]),
            product=rng.choice([None, "tv", "fridge", "router", "laptop"]),
            text=texts[number % len(texts)],
        )
        for number in range(count)
    ]


def _texts() -> list[str]:
    if not COMPLAINTS.is_file():
        return ["Where is my parcel? I have been waiting for two weeks."]
    with COMPLAINTS.open(encoding="utf-8") as rows:
        return [row["text"] for row in csv.DictReader(rows)][:1000]


def write_only(app: App, org: Organisation, facts: list[ContactFacts], batch: int) -> None:
    """The floor: the same cases, tasks and audit events with a decision made in advance,
    written with one INSERT per table per batch."""
    fixed = RoutingDecision("billing", "billing", 3, START + timedelta(hours=16), ("fixed",))
    for chunk, session in _batches(app, facts, batch):
        audit = AuditRows()
        work = [
            _plan(replace(fixed, deadline_at=f.received_at + timedelta(hours=16)), f) for f in chunk
        ]
        cases = [w.case for w in work]
        insert_cases(session, cases, audit, "router")
        for item in work:
            item.task.case_id = item.case.id
        insert_tasks(
            session, [w.task for w in work], audit, "router", {id(w.task): w.case for w in work}
        )
        audit.write(session)


def route_and_write(app: App, org: Organisation, facts: list[ContactFacts], batch: int) -> None:
    """What the route stage does after matching the customer: decide, plan, then write the
    batch with its incident check and overflow placement."""
    for chunk, session in _batches(app, facts, batch):
        write_batch(session, org, [_plan(decide_route(f, org), f) for f in chunk], utcnow())


def _batches(
    app: App, facts: list[ContactFacts], batch: int
) -> Iterator[tuple[list[ContactFacts], Session]]:
    """(contacts, session) per batch, each batch committed on its own, as the pipeline's route
    step commits each of its batches (with the contacts' new stage)."""
    for start in range(0, len(facts), batch):
        with unit_of_work(app.sessions) as session:
            yield facts[start : start + batch], session


def _plan(decision: RoutingDecision, item: ContactFacts) -> Work:
    case = plan_case(decision, customer_id=None, subject="benchmark", opened_at=item.received_at)
    task = plan_task(
        None,
        kind=TaskKind.TRIAGE if decision.unit == "triage" else TaskKind.ANSWER,
        unit=decision.unit,
        contact_id=None,
        priority=decision.priority,
        due_at=decision.deadline_at,
        title="benchmark",
    )
    return Work(case, task, new_case=True)


@dataclass(frozen=True)
class Run:
    """One measured run: contacts per second of wall time, and CPU seconds per contact of this
    process and of the database server (None when it cannot be read)."""

    count: int
    wall: float
    client_cpu: float
    server_cpu: float | None = None

    @property
    def rate(self) -> float:
        return self.count / self.wall

    @property
    def cpu_per_contact(self) -> float:
        return (self.client_cpu + (self.server_cpu or 0.0)) / self.count

    def describe(self) -> str:
        client = self.client_cpu / self.count * 1e6
        server = (
            ""
            if self.server_cpu is None
            else f" + server {self.server_cpu / self.count * 1e6:,.0f}"
        )
        return (
            f"{self.rate:,.0f}/s, CPU {client:,.0f} us{server} a contact "
            f"({1 / self.cpu_per_contact:,.0f} contacts per CPU-second)"
        )


def timed(work: Callable[[], None], count: int, server: Callable[[], float | None]) -> Run:
    """Run `work` once, measuring wall time, this process's CPU and the server's CPU."""
    server_before = server()
    began, cpu_began = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    return Run(count, wall, cpu, _difference(server_before, server()))


def _difference(before: float | None, after: float | None) -> float | None:
    """The server's CPU seconds between two readings; None when either could not be read."""
    return None if before is None or after is None else after - before


def postgres_backend_cpu(database: str) -> float | None:
    """CPU seconds so far of the local PostgreSQL backends connected to `database`, read from
    /proc (their process title names the database); None when there are none to read. A
    backend that exits during a run is lost, so the engine's pool must stay open."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, found = 0.0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        # utime and stime: fields 14 and 15 of /proc/PID/stat, 12 and 13 after the name.
        total += (int(fields[11]) + int(fields[12])) / ticks
        found = True
    return total if found else None


Workload = Callable[[App, Organisation, list[ContactFacts], int], None]


def measure(
    database_url: str,
    org: Organisation,
    facts: list[ContactFacts],
    batch: int,
    processes: int = 1,
) -> dict[str, Run]:
    with tempfile.TemporaryDirectory() as home:
        results = {}
        works: tuple[tuple[str, Workload], ...] = (
            ("write only", write_only),
            ("rules + write", route_and_write),
        )
        for name, work in works:
            url = database_url or f"sqlite:///{home}/{name.replace(' ', '')}.db"
            with _fresh(url) as fresh_url:
                settings = Settings(home=Path(home), database_url=fresh_url)
                app = open_app(settings)
                app.sync_organisation()
                forget_throughputs()
                database = sa.make_url(fresh_url).database or ""
                server = (
                    (lambda: postgres_backend_cpu(database))  # noqa: B023
                    if fresh_url.startswith("postgresql")
                    else (lambda: None)
                )
                if processes == 1:
                    results[name] = timed(
                        lambda: work(app, org, facts, batch),  # noqa: B023
                        len(facts),
                        server,
                    )
                    app.close()
                else:
                    # Forked processes must not share the parent's pooled connections.
                    app.close()
                    results[name] = timed_in_processes(
                        work, settings, org, facts, batch, processes, server
                    )
        return results


def timed_in_processes(
    work: Workload,
    settings: Settings,
    org: Organisation,
    facts: list[ContactFacts],
    batch: int,
    processes: int,
    server: Callable[[], float | None],
) -> Run:
    """`work` in `processes` processes at once, each on every N-th contact: wall time from all
    ready to the last done, their CPU and the server's (read while their backends live)."""
    context = multiprocessing.get_context("fork")
    ready: Queue[int] = context.Queue()
    done: Queue[float] = context.Queue()
    go, leave = context.Event(), context.Event()
    workers = [
        context.Process(
            target=_share,
            args=(work, settings, org, facts[i::processes], batch, ready, done, go, leave),
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get()
    server_before = server()
    began = time.perf_counter()
    go.set()
    cpu = sum(done.get() for _ in workers)
    wall = time.perf_counter() - began
    server_after = server()
    leave.set()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError(f"a routing process failed (exit code {worker.exitcode})")
    return Run(len(facts), wall, cpu, _difference(server_before, server_after))


def _share(
    work: Workload,
    settings: Settings,
    org: Organisation,
    facts: list[ContactFacts],
    batch: int,
    ready: Queue[int],
    done: Queue[float],
    go: Event,
    leave: Event,
) -> None:
    app = open_app(settings)
    forget_throughputs()
    # A connection opened before the clock, as a worker's is.
    with app.engine.connect():
        pass
    ready.put(os.getpid())
    go.wait()
    began = time.process_time()
    work(app, org, facts, batch)
    done.put(time.process_time() - began)
    leave.wait()
    app.close()


class _fresh:
    """A new, empty database for one measurement (PostgreSQL: created and dropped)."""

    def __init__(self, url: str) -> None:
        self.url, self.name = url, f"intake_bench_{uuid.uuid4().hex[:10]}"

    def __enter__(self) -> str:
        if not self.url.startswith("postgresql"):
            return self.url
        with sa.create_engine(self.url, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        return sa.make_url(self.url).set(database=self.name).render_as_string(False)

    def __exit__(self, *exc: object) -> None:
        if self.url.startswith("postgresql"):
            with sa.create_engine(self.url, isolation_level="AUTOCOMMIT").connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=ROUTE_BATCH, help="contacts written at once")
    parser.add_argument("--postgres", default=POSTGRES, help="admin URL; '' to skip")
    parser.add_argument(
        "--processes", type=int, default=1, help="routing processes at once (PostgreSQL only)"
    )
    add_collector_option(parser)
    args = parser.parse_args()
    apply_collector_option(args)
    org = load_organisation(REPO / "samples" / "org")
    facts = contacts(args.contacts)
    rules_only = timed(lambda: [decide_route(f, org) for f in facts], len(facts), lambda: None)
    print(f"{args.contacts} contacts, {len(org.rules)} rules, batches of {args.batch}")
    print(f"rules only (no database): {rules_only.describe()}")
    databases = [("SQLite", "")] if args.processes == 1 else []
    if args.processes > 1:
        print(f"{args.processes} routing processes at once")
    if args.postgres:
        databases.append(("PostgreSQL", args.postgres))
    for label, url in databases:
        try:
            results = measure(url, org, facts, args.batch, args.processes)
        except sa.exc.OperationalError as error:
            print(f"{label}: not reachable ({error.__class__.__name__})")
            continue
        floor, routed = results["write only"], results["rules + write"]
        print(f"{label}: write only {floor.describe()}")
        print(
            f"{label}: rules + write {routed.describe()}; {routed.rate / floor.rate:.2f} of "
            f"write only"
        )


if __name__ == "__main__":
    main()
