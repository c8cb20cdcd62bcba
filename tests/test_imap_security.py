"""TLS (IMAPS and STARTTLS) and the XOAUTH2 token plumbing against a real Dovecot."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.app import App
from intake.channels.imap_connection import ImapAccountError, connect, disconnect
from intake.channels.imap_fetcher import fetch_folder
from intake.config_mail import ImapAccount
from intake.secrets import Secret
from tests.dovecot import Dovecot, dovecot_fixture
from workflow.models import Contact

dovecot = dovecot_fixture(tls=True)

MESSAGE = (
    b"From: tls@example.com\r\nSubject: Secure hello\r\nMessage-ID: <tls@example.com>\r\n"
    b"\r\nSent over an encrypted connection.\r\n"
)


@pytest.fixture
def trusted(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    # A site with a private CA does the same: SSL_CERT_FILE names the CA bundle to trust.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cert))


def tls_account(server: Dovecot, user: str, security: str, **extra: object) -> ImapAccount:
    port = server.imaps_port if security == "ssl" else server.port
    settings: dict[str, object] = {"password": Secret(literal=server.users[user]), **extra}
    return ImapAccount(
        name="secure",
        host="localhost",
        port=port,
        security=security,
        username=user,
        **settings,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_mail_is_fetched_over_imaps_and_starttls(
    app: App, dovecot: Dovecot, trusted: None, security: str
) -> None:
    user = dovecot.add_user()
    dovecot.append([MESSAGE], user=user)
    account = tls_account(dovecot, user, security)

    client = connect(account)
    try:
        counts = fetch_folder(app, account, client, "INBOX")
    finally:
        disconnect(client)

    assert (counts.fetched, counts.stored) == (1, 1)
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 1


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_an_untrusted_certificate_is_refused_with_a_clear_error(
    dovecot: Dovecot, security: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    account = tls_account(dovecot, dovecot.add_user(), security)

    with pytest.raises(ImapAccountError, match="certificate is not trusted"):
        connect(account)


def test_xoauth2_sends_the_token_from_the_command_and_reports_the_servers_answer(
    dovecot: Dovecot, trusted: None, tmp_path: Path
) -> None:
    # This Dovecot has no OAuth2 provider to verify tokens against, so it refuses XOAUTH2;
    # what is proven is the plumbing: the site's token command ran fresh, the token went to
    # the server by AUTHENTICATE XOAUTH2, and its answer comes back naming the account.
    marker = tmp_path / "token-command-ran"
    helper = f"import pathlib; pathlib.Path({str(marker)!r}).touch(); print('ya29.token')"
    account = tls_account(
        dovecot,
        dovecot.add_user(),
        "ssl",
        auth="xoauth2",
        oauth2_token=Secret(command=shlex.join([sys.executable, "-c", helper])),
    )

    with pytest.raises(ImapAccountError) as refused:
        connect(account)

    assert marker.exists()
    assert "IMAP account 'secure'" in str(refused.value)
    assert "(xoauth2) refused" in str(refused.value)
    assert "ya29.token" not in str(refused.value)


def test_an_unreadable_token_file_is_reported_naming_the_file(
    dovecot: Dovecot, trusted: None, tmp_path: Path
) -> None:
    account = tls_account(
        dovecot,
        dovecot.add_user(),
        "ssl",
        auth="xoauth2",
        oauth2_token=Secret(file=str(tmp_path / "missing-token")),
    )

    with pytest.raises(ImapAccountError, match="cannot read the OAuth2 access token"):
        connect(account)
