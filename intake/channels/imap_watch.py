"""Running the IMAP fetchers: once over every folder, or watching each folder in its own thread.

A watcher reads its folder, then waits for news: IMAP IDLE when the account asks for it and
the server has it (re-issued every `imap_idle_renew_seconds`, well inside the 29-minute limit
servers enforce), otherwise it polls every `poll_seconds`. A network error or a restarting
server costs a reconnection after a doubling, capped wait; an account that cannot log in is
retried the same way, with an error in the log each time.
"""

from __future__ import annotations

import logging
import select
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from imapclient import IMAPClient

from intake.app import App
from intake.channels.imap_connection import (
    NETWORK_ERRORS,
    Backoff,
    ImapAccountError,
    connect,
    disconnect,
)
from intake.channels.imap_fetcher import fetch_folder
from intake.channels.imap_ledger import RunCounts
from intake.config_mail import ImapAccount

log = logging.getLogger(__name__)

# How often a waiting watcher looks at the stop signal; bounds the shutdown time.
STOP_CHECK_SECONDS = 0.5
# Untagged responses during IDLE that mean new mail (or a gone message) in the folder.
NEWS = {b"EXISTS", b"RECENT", b"EXPUNGE", b"FETCH"}


@dataclass(frozen=True)
class FolderFailure:
    """A folder that could not be read this time, with the reason for a person."""

    account: str
    folder: str
    reason: str


def fetch_accounts_once(
    app: App, accounts: tuple[ImapAccount, ...]
) -> list[RunCounts | FolderFailure]:
    """One pass over every folder of every account; one account's failure stops no other."""
    results: list[RunCounts | FolderFailure] = []
    for account in accounts:
        try:
            client = connect(account)
        except (ImapAccountError, *NETWORK_ERRORS) as error:
            reason = _reason(error)
            results.extend(
                FolderFailure(account.name, folder, reason) for folder in account.folders
            )
            continue
        try:
            for folder in account.folders:
                try:
                    results.append(fetch_folder(app, account, client, folder))
                except NETWORK_ERRORS:
                    raise
                except Exception as error:  # an IMAP NO/BAD for one folder (e.g. it is missing)
                    results.append(FolderFailure(account.name, folder, _reason(error)))
        except NETWORK_ERRORS as error:
            done = {(r.account, r.folder) for r in results}
            results.extend(
                FolderFailure(account.name, folder, _reason(error))
                for folder in account.folders
                if (account.name, folder) not in done
            )
        finally:
            disconnect(client)
    return results


def _reason(error: BaseException) -> str:
    detail = error.args[0] if error.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return (
        str(detail) if isinstance(error, ImapAccountError) else f"{type(error).__name__}: {detail}"
    )


class FolderWatcher(threading.Thread):
    """Keeps one folder read until `stop` is set: IDLE or polling, reconnecting on failures."""

    def __init__(
        self,
        app: App,
        account: ImapAccount,
        folder: str,
        stop: threading.Event,
        *,
        idle_renew_seconds: float,
        backoff_max_seconds: float,
    ) -> None:
        super().__init__(name=f"imap:{account.name}/{folder}", daemon=True)
        self.app, self.account, self.folder, self.stop = app, account, folder, stop
        self.idle_renew_seconds = idle_renew_seconds
        self.backoff = Backoff(max_seconds=backoff_max_seconds)
        self.passes = 0
        self.reconnections = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._watch()
            except ImapAccountError as error:
                log.error("%s", error)
            except NETWORK_ERRORS as error:
                log.warning("%s: connection lost (%s)", self.name, _reason(error))
            except Exception:  # a bug or a server answer we did not foresee: log, back off, retry
                log.exception("%s: fetch failed", self.name)
            if self.stop.is_set():
                return
            self.reconnections += 1
            delay = self.backoff.next_delay()
            log.info("%s: reconnecting in %.1f s", self.name, delay)
            self.stop.wait(delay)

    def _watch(self) -> None:
        client = connect(self.account)
        try:
            idle = self.account.idle and client.has_capability("IDLE")
            while not self.stop.is_set():
                fetch_folder(self.app, self.account, client, self.folder)
                self.passes += 1
                self.backoff.reset()
                if idle:
                    self._idle(client)
                else:
                    self._poll(client)
        finally:
            disconnect(client)

    def _idle(self, client: IMAPClient) -> None:
        """Wait for news with IDLE, up to the renewal interval or until stopped."""
        client.idle()
        renew_at = time.monotonic() + self.idle_renew_seconds
        try:
            while not self.stop.is_set() and time.monotonic() < renew_at:
                responses = client.idle_check(timeout=STOP_CHECK_SECONDS)
                if any(_is_bye(r) for r in responses):
                    raise ConnectionResetError("the server said BYE")
                if not responses and _server_hung_up(client):
                    raise ConnectionResetError("the server closed the connection")
                if any(_is_news(r) for r in responses):
                    return
        finally:
            client.idle_done()

    def _poll(self, client: IMAPClient) -> None:
        waited_until = time.monotonic() + self.account.poll_seconds
        while not self.stop.is_set():
            remaining = waited_until - time.monotonic()
            if remaining <= 0:
                return
            self.stop.wait(min(remaining, STOP_CHECK_SECONDS * 20))
            # NOOP keeps the connection alive and notices a dead one before the next pass.
            client.noop()


def _server_hung_up(client: IMAPClient) -> bool:
    """A server that dies without BYE leaves an IDLE that is only quiet; a peek tells EOF.

    TLS sockets cannot peek; there the next NOOP or renewal notices instead.
    """
    try:
        sock = client.socket()
        if isinstance(sock, ssl.SSLSocket):
            return False
        # Python waits for readability before a recv on a socket with a timeout: ask first.
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _is_news(response: tuple[object, ...]) -> bool:
    return len(response) > 1 and response[1] in NEWS


def _is_bye(response: tuple[object, ...]) -> bool:
    return bool(response) and response[0] == b"BYE"


def start_watchers(app: App, stop: threading.Event) -> list[FolderWatcher]:
    """One watcher thread per folder of every configured account, started."""
    settings = app.settings
    watchers = [
        FolderWatcher(
            app,
            account,
            folder,
            stop,
            idle_renew_seconds=settings.imap_idle_renew_seconds,
            backoff_max_seconds=settings.imap_backoff_max_seconds,
        )
        for account in settings.imap_accounts
        for folder in account.folders
    ]
    for watcher in watchers:
        watcher.start()
    return watchers
