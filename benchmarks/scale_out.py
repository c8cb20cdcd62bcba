"""The scale-out runner against the embedded one: the same contacts, routed by `intake process`
in this process (the baseline) and by 1 and 2 `intake worker` processes over Redis.

Each run gets a new PostgreSQL database with the same contacts ingested (not timed); the clock
runs from the first stage message sent until every contact is routed. Worker start-up (imports,
models) is not timed: the contacts are sent once the worker says it is ready. CPU time is this
process's (with its Tesseract children) for the baseline, and the worker's with its pool processes
(read from /proc over the timed window) for Celery.

    .venv/bin/python benchmarks/scale_out.py [--emails 200] [--letters 4] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import redis  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from benchmarks.pipeline_throughput import variants  # noqa: E402
from benchmarks.scratch_database import scratch_database  # noqa: E402
from intake import pipeline  # noqa: E402
from intake.app import App, open_app  # noqa: E402
from intake.channels.items import Channel, SourceItem  # noqa: E402
from intake.channels.receive import receive  # noqa: E402
from intake.config import Settings  # noqa: E402
from intake.scale_out.celery_app import build_celery  # noqa: E402
from intake.scale_out.dispatch import send_received  # noqa: E402
from workflow.models import Contact, Stage, utcnow  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Item:
    channel: Channel
    name: str
    data: bytes


@dataclass(frozen=True)
class Run:
    runner: str
    seconds: float
    cpu_seconds: float
    contacts: int

    @property
    def rate(self) -> float:
        return self.contacts / self.seconds


def workload(emails: int, letters: int) -> list[Item]:
    items = [
        Item(Channel.EMAIL, f"bench-{n}.eml", raw) for n, raw in enumerate(variants(emails, False))
    ]
    scans = sorted((REPO / "samples" / "scans").glob("*_letter_*"))[:letters]
    items.extend(Item(Channel.SCAN, path.name, path.read_bytes()) for path in scans)
    return items


def settings_for(home: Path, database_url: str, broker_url: str, model_dir: str) -> Settings:
    return replace(
        Settings(),
        home=home,
        database_url=database_url,
        org_dir=REPO / "samples" / "org",
        training_dir=REPO / "samples" / "training",
        model_dir=model_dir,
        runner="celery",
        broker_url=broker_url,
        queue_prefix=f"bench-{uuid.uuid4().hex[:8]}",
        # No sweeper re-sends during the run: the clock must measure one pass.
        sweep_after_minutes=600.0,
    )


def prepared(settings: Settings, items: list[Item]) -> tuple[App, list[int]]:
    app = open_app(settings)
    app.sync_organisation()
    app.classifiers  # noqa: B018 - load before the clock starts
    ids = []
    for item in items:
        received = receive(app, SourceItem(item.channel, item.name, item.name, item.data, utcnow()))
        ids.append(received.contact_id)
    return app, [i for i in ids if i is not None]


def routed(app: App) -> int:
    with app.sessions() as session:
        query = select(func.count()).select_from(Contact).where(Contact.stage == Stage.ROUTED)
        return session.scalar(query) or 0


def embedded(app: App, count: int) -> Run:
    # Tesseract runs in child processes: their CPU time counts too.
    cpu, started = time.process_time() + children_cpu(), time.perf_counter()
    pipeline.process(app)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() + children_cpu() - cpu
    assert routed(app) == count, f"embedded: {routed(app)}/{count} routed"
    return Run("embedded (intake process)", seconds, cpu_seconds, count)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name, which may hold spaces: state is [0], ppid [1].
    return text[text.rindex(")") + 2 :].split()


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its direct children so far, with the children they waited
    for (Tesseract under a pool process)."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and fields[1] == str(pid):
                pids.append(int(entry.name))
    ticks = 0
    for each in pids:
        fields = _stat(each)
        if fields:
            # utime, stime, cutime, cstime
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def worker(settings: Settings, concurrency: int, log: Path) -> Iterator[int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    for name in ("home", "database_url", "org_dir", "training_dir", "model_dir", "runner"):
        env[f"INTAKE_{name.upper()}"] = str(getattr(settings, name))
    env.update(
        INTAKE_BROKER_URL=settings.broker_url,
        INTAKE_QUEUE_PREFIX=settings.queue_prefix,
        INTAKE_SWEEP_AFTER_MINUTES=str(settings.sweep_after_minutes),
    )
    command = [sys.executable, "-m", "intake", "worker", "--concurrency", str(concurrency)]
    command += ["--queues", "extract,classify,route"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start; see {log}")
            time.sleep(0.2)
        yield process.pid
    finally:
        # A warm shutdown: the worker waits for its pool, so their CPU time is counted.
        process.send_signal(signal.SIGTERM)
        process.wait(60)


def celery_run(settings: Settings, app: App, ids: list[int], concurrency: int, log: Path) -> Run:
    celery = build_celery(settings)
    with worker(settings, concurrency, log) as pid:
        # Start-up (imports, models) is left out: measured from the worker's "ready".
        cpu_before, started = tree_cpu(pid), time.perf_counter()
        send_received(celery, ids)
        while routed(app) < len(ids):
            if time.perf_counter() - started > 1800:
                raise RuntimeError(f"celery x{concurrency}: {routed(app)}/{len(ids)} routed")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        cpu_seconds = tree_cpu(pid) - cpu_before
    return Run(f"celery, {concurrency} worker process(es)", seconds, cpu_seconds, len(ids))


def forget_queues(settings: Settings) -> None:
    client = redis.Redis.from_url(settings.broker_url)
    for pattern in (f"{settings.queue_prefix}*", f"_kombu.binding*.{settings.queue_prefix}.*"):
        for key in client.scan_iter(pattern):
            client.delete(key)
    client.close()


def one_round(items: list[Item], args: argparse.Namespace, home: Path) -> list[Run]:
    runs = []
    for label, concurrency in (("embedded", 0), ("celery-1", 1), ("celery-2", 2)):
        with scratch_database(args.postgres_url, "bench_scale") as url:
            settings = settings_for(home / label, url, args.broker_url, args.model_dir)
            app, ids = prepared(settings, items)
            try:
                if concurrency == 0:
                    runs.append(embedded(app, len(ids)))
                else:
                    log = home / f"{label}.log"
                    runs.append(celery_run(settings, app, ids, concurrency, log))
            finally:
                app.close()
                forget_queues(settings)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=200, help="text-only sample emails")
    parser.add_argument("--letters", type=int, default=4, help="scanned letters (OCR), max 18")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--postgres-url", default=POSTGRES)
    # A Redis database of its own: kombu leaves a little bookkeeping behind (pidbox bindings).
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--model-dir", default=str(REPO / "var" / "test-models"))
    args = parser.parse_args()
    items = workload(args.emails, args.letters)
    print(
        f"contacts: {args.emails} emails + {args.letters} letters; PostgreSQL; load average "
        f"{os.getloadavg()[0]:.1f} at the start"
    )
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(1, args.repeats + 1):
            runs = one_round(items, args, Path(folder) / str(repeat))
            baseline = runs[0]
            for run in runs:
                print(
                    f"round {repeat}  {run.runner:<34} {run.seconds:7.1f} s  {run.rate:6.1f} "
                    f"contacts/s  ratio {run.rate / baseline.rate:5.2f}  "
                    f"CPU {run.cpu_seconds:6.1f} s"
                )


if __name__ == "__main__":
    main()
