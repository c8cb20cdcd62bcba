"""Building blocks of the web tests: signed-in clients on the in-process app, and a live
`intake serve` (the real command in a subprocess) driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from intake.app import App
from intake.demo_users import DEMO_PASSWORD, ensure_demo_users
from intake.services.accounts import create_user
from intake.web.server import create_web_app
from tests.cli_runner import intake_env
from tests.conftest import REPO, need
from workflow.accounts import Role
from workflow.db import unit_of_work

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# The demo organisation's people the tests sign in as (all with DEMO_PASSWORD).
MAILROOM = "h.nowak"
BILLING = "a.kowalska"  # back office, unit billing
CLAIMS = "m.zielinska"  # back office, unit claims
AGENT = "a.jankowski"  # call centre
SUPERVISOR = "supervisor"
ADMIN = "admin"


def add_people(app: App) -> None:
    """The demo accounts plus a back-office member of another unit, for isolation tests."""
    app.sync_organisation()
    ensure_demo_users(app)
    with unit_of_work(app.sessions) as session:
        from workflow.accounts import find_user

        if find_user(session, CLAIMS) is None:
            create_user(
                session,
                username=CLAIMS,
                display_name="Magdalena Zielińska",
                role=Role.BACKOFFICE,
                password=DEMO_PASSWORD,
                units=("claims",),
                agent_id=CLAIMS,
                actor="test",
            )


def client_for(app: App) -> TestClient:
    return TestClient(create_web_app(app))


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign the client in; returns the session's CSRF token for the forms."""
    response = client.post(
        "/signin", data={"username": username, "password": password}, follow_redirects=True
    )
    assert response.status_code == 200, response.text
    return csrf_of(response.text)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    home: Path
    process: subprocess.Popen[bytes]


@contextmanager
def live_intake(home: Path, **extra_env: str) -> Iterator[LiveServer]:
    """`intake serve` with its web UI on a free loopback port, stopped with SIGTERM."""
    port = free_port()
    env = intake_env(
        home,
        INTAKE_WEB_PORT=str(port),
        INTAKE_HOT_FOLDER_SETTLE_SECONDS="0.5",
        **extra_env,
    )
    log = (home.parent / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "intake", "serve", "--pipeline-every", "1"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, home.parent / "serve.log")
        yield LiveServer(url, home, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"intake serve ended early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/signin", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"intake serve did not answer in time:\n{log.read_text()}")


def need_chromium() -> None:
    need(Path(CHROMIUM).is_file(), f"Chromium is not installed at {CHROMIUM}")
    need(shutil.which("tesseract") is not None, "the tesseract binary is not installed")


@contextmanager
def chromium_page(base_url: str) -> Iterator[object]:
    """A fresh Chromium page (Playwright, Debian's browser, headless) bound to `base_url`."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "0")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def browser_sign_in(page: object, username: str, password: str = DEMO_PASSWORD) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.goto("/signin")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def routed_email(app: App, folder: Path, name: str) -> int:
    """A sample email from `samples/email` through the whole pipeline; returns its contact id."""
    from intake import pipeline
    from intake.channels.ingest import ingest_paths
    from tests.conftest import SAMPLES
    from workflow.models import Contact

    app.sync_organisation()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "email" / name, folder)
    (received,) = ingest_paths(app, [folder / name])
    pipeline.process(app)
    with app.sessions() as session:
        assert session.get_one(Contact, received.contact_id).stage == "routed"
    return received.contact_id
