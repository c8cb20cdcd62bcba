"""The web server inside `intake serve`: uvicorn in a thread, stopped with the other jobs."""

from __future__ import annotations

import logging
import threading

import uvicorn

from intake.app import App
from intake.web.server import create_web_app

log = logging.getLogger("intake.web")


def start_web(app: App, stop: threading.Event) -> threading.Thread | None:
    """Serve the UI and API on `web_host:web_port` until `stop` is set; None when disabled."""
    settings = app.settings
    if settings.web_port == 0:
        return None
    config = uvicorn.Config(
        create_web_app(app),
        host=settings.web_host,
        port=settings.web_port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    # Signals belong to `intake serve`, which sets `stop`; uvicorn must not take them over.
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]

    def run() -> None:
        server.run()

    def stop_when_asked() -> None:
        stop.wait()
        server.should_exit = True

    thread = threading.Thread(target=run, name="web", daemon=True)
    thread.start()
    threading.Thread(target=stop_when_asked, name="web-stop", daemon=True).start()
    log.info("web UI on http://%s:%d/", settings.web_host, settings.web_port)
    return thread
