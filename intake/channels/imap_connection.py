"""Connecting to an IMAP account: SSL, STARTTLS or plain; password or XOAUTH2; backoff."""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from dataclasses import dataclass, field

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from intake.config_mail import ImapAccount
from intake.secrets import SecretError

# What a dropped connection, a restarting server or an unreachable host raises. A BYE or a
# broken socket surfaces as imaplib's `abort` (imapclient's IMAPClientAbortError).
NETWORK_ERRORS: tuple[type[BaseException], ...] = (OSError, imaplib.IMAP4.abort, EOFError)


class ImapAccountError(Exception):
    """The account cannot be used as configured: login refused, secret unreadable, TLS refused.

    The message names the account and the server and says what to check; never a secret.
    """


def tls_context() -> ssl.SSLContext:
    # The system's trust store; a private CA is added with SSL_CERT_FILE (see docs/email.md).
    return ssl.create_default_context()


def connect(account: ImapAccount) -> IMAPClient:
    """A logged-in client for `account`. Network errors propagate (the caller backs off)."""
    host, port = account.host, account.resolved_port
    where = f"IMAP account '{account.name}' ({host}:{port}, {account.security})"
    try:
        client = IMAPClient(
            host,
            port=port,
            ssl=account.security == "ssl",
            ssl_context=tls_context() if account.security == "ssl" else None,
            timeout=account.timeout_seconds,
        )
    except ssl.SSLCertVerificationError as error:
        raise ImapAccountError(
            f"{where}: the server's certificate is not trusted: {error}"
        ) from None
    try:
        if account.security == "starttls":
            client.starttls(tls_context())
        _login(client, account, where)
    except ssl.SSLCertVerificationError as error:
        _close(client)
        raise ImapAccountError(
            f"{where}: the server's certificate is not trusted: {error}"
        ) from None
    except imaplib.IMAP4.error as error:
        _close(client)
        if isinstance(error, imaplib.IMAP4.abort):
            raise
        raise ImapAccountError(f"{where}: {_text(error)}") from None
    except BaseException:
        _close(client)
        raise
    # Times as the server sent them (with their zone), not converted to naive local time.
    client.normalise_times = False
    return client


def _login(client: IMAPClient, account: ImapAccount, where: str) -> None:
    secret = account.password if account.auth == "password" else account.oauth2_token
    try:
        value = secret.reveal()
    except SecretError as error:
        kind = "password" if account.auth == "password" else "OAuth2 access token"
        raise ImapAccountError(f"{where}: cannot read the {kind}: {error}") from None
    try:
        if account.auth == "xoauth2":
            client.oauth2_login(account.username, value)
        else:
            client.login(account.username, value)
    except LoginError as error:
        raise ImapAccountError(
            f"{where}: login as {account.username!r} ({account.auth}) refused: {_text(error)}"
        ) from None


def _text(error: BaseException) -> str:
    detail = error.args[0] if error.args else error
    if isinstance(detail, bytes):
        return detail.decode("utf-8", "replace")
    return str(detail)


def _close(client: IMAPClient) -> None:
    # Closing a broken connection may fail in many ways; it is gone anyway.
    with contextlib.suppress(Exception):
        client.shutdown()


def disconnect(client: IMAPClient) -> None:
    """Log out politely; a connection that is already broken is just closed."""
    try:
        client.logout()
    except Exception:  # the server may be gone: nothing left to do
        _close(client)


@dataclass
class Backoff:
    """Waits after consecutive failures: base, doubling, capped; a success starts over."""

    base_seconds: float = 1.0
    max_seconds: float = 300.0
    _failures: int = field(default=0, init=False)

    def next_delay(self) -> float:
        delay = min(self.max_seconds, self.base_seconds * 2**self._failures)
        self._failures += 1
        return delay

    def reset(self) -> None:
        self._failures = 0
