"""`intake fetch`: the drop folders and every IMAP folder, once or watching until stopped."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from rich.console import Console
from rich.markup import escape

from intake.app import App
from intake.channels.hot_folder import collect
from intake.channels.imap_ledger import RunCounts
from intake.channels.imap_watch import FolderFailure, fetch_accounts_once, start_watchers
from intake.channels.items import Received

# How often `--watch` looks at the drop folders (files must also have settled).
HOT_FOLDER_SECONDS = 2.0


def collect_hot_folders(application: App) -> list[Received]:
    settings = application.settings
    results: list[Received] = []
    for inbox in (settings.resolved_scanner_inbox, settings.resolved_mail_inbox):
        results.extend(
            collect(application, inbox, settle_seconds=settings.hot_folder_settle_seconds)
        )
    return results


def print_imap_results(console: Console, results: list[RunCounts | FolderFailure]) -> bool:
    """One line per folder; True when every folder could be read."""
    healthy = True
    for result in results:
        where = escape(f"{result.account}/{result.folder}")
        if isinstance(result, FolderFailure):
            healthy = False
            console.print(f"[red]IMAP {where}: not read: {escape(result.reason)}[/red]")
            continue
        line = (
            f"IMAP {where}: fetched {result.fetched}, stored {result.stored}, "
            f"already known {result.duplicates}, to quarantine {result.quarantined}, "
            f"moved or flagged {result.acknowledged}"
        )
        if result.uidvalidity_changed:
            line += " (UIDVALIDITY changed: folder read again)"
        console.print(line)
        if result.warning:
            console.print(f"  [yellow]warning:[/yellow] {escape(result.warning)}")
    return healthy


def fetch_imap_once(application: App, console: Console) -> bool:
    accounts = application.settings.imap_accounts
    if not accounts:
        return True
    return print_imap_results(console, fetch_accounts_once(application, accounts))


def watch(application: App, console: Console) -> None:
    """Fetch until Ctrl-C or SIGTERM: IMAP watchers in threads, drop folders here."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    watchers = start_watchers(application, stop)
    console.print(f"Watching the drop folders and {len(watchers)} IMAP folder(s); Ctrl-C stops.")
    try:
        while not stop.is_set():
            for result in collect_hot_folders(application):
                console.print(f"{result.outcome}: {escape(result.source)}")
            stop.wait(HOT_FOLDER_SECONDS)
    finally:
        stop.set()
        for watcher in watchers:
            watcher.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.print("Stopped.")
