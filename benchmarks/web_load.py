"""Load test of the task list page: 100,000 open tasks, 50 signed-in users, from loopback.

The real `intake serve` (uvicorn inside it) answers `wrk` (Debian package `wrk`), whose Lua
script gives every request one of the 50 users' session cookies. Two loads, each beside a
baseline measured in the same run on the same server (a static file of the same site):
- users: 50 connections, each waiting a random 1-3 s between requests (people reading a
  list), the load the issue's goal speaks of;
- saturation: 50 connections with no pause, the most the server can do.

    .venv/bin/python benchmarks/web_load.py [--tasks 100000] [--users 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
# benchmarks/classify.py would shadow the classify package: the repository comes first.
sys.path.insert(0, str(REPO))

from benchmarks.task_list import load_sqlite  # noqa: E402
from intake.app import open_app  # noqa: E402
from intake.config import Settings  # noqa: E402
from intake.services.accounts import create_user  # noqa: E402
from workflow.accounts import Role  # noqa: E402
from workflow.db import unit_of_work  # noqa: E402
from workflow.models import Case  # noqa: E402

PASSWORD = "load-test-password"
START = datetime.now(UTC) + timedelta(days=1)

_LUA = """
local cookies = {%s}
local path = "%s"
local think_min, think_max = %d, %d
local counter = 0
request = function()
  counter = counter + 1
  local cookie = cookies[(counter %% #cookies) + 1]
  return wrk.format("GET", path, {["Cookie"] = "intake_session=" .. cookie})
end
delay = function()
  if think_max == 0 then return 0 end
  return math.random(think_min, think_max)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d errors=%%d p50=%%.1f p95=%%.1f p99=%%.1f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def prepare(home: Path, tasks: int, users: int) -> Settings:
    models = REPO / "var" / "test-models"
    settings = Settings(
        home=home,
        org_dir=REPO / "samples" / "org",
        training_dir=REPO / "samples" / "training",
        model_dir=str(models) if models.is_dir() else "",
    )
    app = open_app(settings)
    app.sync_organisation()
    with unit_of_work(app.sessions) as session:
        session.add(Case(unit="claims", subject="bulk", reference="C-000001", opened_at=START))
        for number in range(users):
            create_user(
                session,
                username=f"user{number:02d}",
                display_name=f"User {number}",
                role=Role.BACKOFFICE,
                password=PASSWORD,
                units=("claims",),
                actor="benchmark",
            )
    # Four in five rows of the loader are open (the rest claimed or done).
    load_sqlite(app.engine, tasks * 5 // 4)
    app.close()
    return settings


def start_server(settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        INTAKE_HOME=str(settings.home),
        INTAKE_ORG_DIR=str(settings.org_dir),
        INTAKE_TRAINING_DIR=str(settings.training_dir),
        INTAKE_MODEL_DIR=settings.model_dir,
        INTAKE_WEB_PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "intake", "serve"],
        cwd=REPO,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"intake serve ended:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/signin", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit("intake serve did not start")


def session_cookies(base: str, users: int) -> list[str]:
    cookies = []
    for number in range(users):
        response = httpx.post(
            f"{base}/signin",
            data={"username": f"user{number:02d}", "password": PASSWORD},
            follow_redirects=False,
        )
        cookies.append(response.cookies["intake_session"])
    return cookies


def wrk(base: str, path: str, cookies: list[str], users: int, seconds: int, think: bool) -> dict:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    quoted = ", ".join(f'"{cookie}"' for cookie in cookies)
    script.write_text(_LUA % (quoted, path, 1000 if think else 0, 3000 if think else 0))
    output = subprocess.run(
        ["wrk", "-t2", f"-c{users}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script.unlink()
    found = re.search(
        r"RESULT requests=(\d+) errors=(\d+) p50=([\d.]+) p95=([\d.]+) p99=([\d.]+)", output
    )
    assert found, output
    requests, errors = int(found.group(1)), int(found.group(2))
    return {
        "requests/s": requests / seconds,
        "errors": errors,
        "p50 ms": float(found.group(3)),
        "p95 ms": float(found.group(4)),
        "p99 ms": float(found.group(5)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    root = Path(tempfile.mkdtemp(prefix="intake-load-"))
    started = time.perf_counter()
    settings = prepare(root / "var", args.tasks, args.users)
    took = time.perf_counter() - started
    print(f"prepared {args.tasks:,} open tasks and {args.users} users in {took:.0f} s")
    process = start_server(settings, args.port, root / "serve.log")
    base = f"http://127.0.0.1:{args.port}"
    try:
        cookies = session_cookies(base, args.users)
        runs = []
        for think in (True, False):
            for name, path in (("static file (baseline)", "/static/intake.css"),
                               ("task list, 50 rows", "/tasks?unit=claims")):  # fmt: skip
                figures = wrk(base, path, cookies, args.users, args.seconds, think)
                runs.append(("users, 1-3 s think time" if think else "saturation", name, figures))
                print(runs[-1])
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(root, ignore_errors=True)
    print()
    print("| load | page | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for load, name, f in runs:
        print(
            f"| {load} | {name} | {f['requests/s']:.1f} | {f['p50 ms']:.1f} | {f['p95 ms']:.1f} "
            f"| {f['p99 ms']:.1f} | {f['errors']} |"
        )


if __name__ == "__main__":
    main()
