"""Sending the outbox to a real SMTP server (aiosmtpd on a free loopback port)."""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.config_mail import AcknowledgementSettings, SmtpSettings
from intake.outbox import Result, requeue, send_pending
from intake.secrets import Secret
from tests.cli_runner import run_intake
from tests.conftest import SAMPLES, base_settings
from workflow.db import unit_of_work
from workflow.directory import sync_organisation
from workflow.models import AuditEvent, OutboxMessage, utcnow

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

USER, PASSWORD = "intake", "s3cret-pw"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the server received, and the answers it gives to the next DATA commands."""

    received: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.answers:
            return self.answers.pop(0)
        content: bytes = envelope.original_content  # type: ignore[attr-defined]
        self.received.append(email.message_from_bytes(content, policy=default_policy))
        self.recipients.append(list(envelope.rcpt_tos))  # type: ignore[attr-defined]
        return "250 OK"

    def authenticate(
        self, server: object, session: object, envelope: object, mechanism: str, data: object
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        if ok:
            self.logins.append(USER)
        # handled=False: aiosmtpd answers the refusal (535) itself.
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def plain_server(mailbox: Mailbox) -> Iterator[int]:
    port = free_port()
    controller = aiosmtpd_controller.Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    done = subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"openssl could not make a test certificate: {done.stderr.decode()[:200]}")
    return cert, key


def smtp_settings(port: int, **changes: object) -> SmtpSettings:
    smtp = SmtpSettings(
        host="127.0.0.1",
        port=port,
        security="none",
        from_address="service@vistula-electronics.pl",
        from_name="Vistula Home Electronics",
        message_id_domain="intake.vistula-electronics.pl",
        timeout_seconds=10,
    )
    return replace(smtp, **changes)


def make_app(home: Path, smtp: SmtpSettings, **acknowledgements: object) -> App:
    ack = replace(AcknowledgementSettings(), retry_base_seconds=60.0, **acknowledgements)
    app = open_app(base_settings(home, smtp=smtp, acknowledgements=ack))
    with unit_of_work(app.sessions) as session:
        sync_organisation(session, app.organisation)
    return app


def queue(app: App, to: str = "anna@example.pl", number: int = 1) -> int:
    with unit_of_work(app.sessions) as session:
        message = OutboxMessage(
            kind="acknowledgement",
            to_address=to,
            subject=f"[C-00000{number}] Re: Reklamacja",
            body_text="Dzień dobry,\n\ndziękujemy za wiadomość.\n",
            message_id=f"<ack.{number}.test@intake.vistula-electronics.pl>",
            in_reply_to="<their.1@example.pl>",
            references=["<their.0@example.pl>", "<their.1@example.pl>"],
        )
        session.add(message)
        session.flush()
        return message.id


def status_of(app: App, outbox_id: int) -> OutboxMessage:
    with app.sessions() as session:
        return session.get_one(OutboxMessage, outbox_id)


def test_the_acknowledgement_of_a_sample_email_reaches_the_customer(
    tmp_path: Path, plain_server: int, mailbox: Mailbox
) -> None:
    app = make_app(tmp_path / "var", smtp_settings(plain_server))
    source = tmp_path / "en_billing_04.eml"
    source.write_bytes((SAMPLES / "email" / "en_billing_04.eml").read_bytes())
    ingest_paths(app, [source])
    pipeline.process(app)
    report = send_pending(app)
    assert report.count(Result.SENT) == 1
    [received] = mailbox.received
    [row] = [status_of(app, 1)]
    assert row.status == "sent" and row.sent_at is not None
    assert mailbox.recipients == [[row.to_address]]
    assert received["To"] == row.to_address
    assert received["From"] == "Vistula Home Electronics <service@vistula-electronics.pl>"
    assert received["Subject"].startswith("[C-000001] Re: ")
    assert received["Message-ID"] == row.message_id
    assert received["In-Reply-To"] == row.in_reply_to
    assert received["Auto-Submitted"] == "auto-replied"
    assert received["X-Auto-Response-Suppress"] == "All"
    body = received.get_content()
    assert "C-000001" in body
    assert "How to get a duplicate invoice or report a double charge" in body
    # A second run has nothing left to send.
    assert send_pending(app).deliveries == ()
    assert len(mailbox.received) == 1
    app.close()


def tls_server(
    mailbox: Mailbox, certificate: tuple[Path, Path], implicit: bool
) -> aiosmtpd_controller.Controller:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    if implicit:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; this connection is encrypted throughout.
        tls: dict[str, object] = {"ssl_context": server_tls, "auth_require_tls": False}
    else:
        tls = {"tls_context": server_tls, "require_starttls": True, "auth_require_tls": True}
    controller = aiosmtpd_controller.Controller(
        mailbox, hostname="127.0.0.1", port=free_port(), authenticator=mailbox.authenticate, **tls
    )
    controller.start()
    return controller


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_self_signed_certificate_and_login(
    tmp_path: Path,
    mailbox: Mailbox,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    controller = tls_server(mailbox, certificate, implicit=security == "ssl")
    try:
        # The operator's way to trust a private CA, as for every OpenSSL-based tool.
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        smtp = smtp_settings(
            controller.port, security=security, username=USER, password=Secret(literal=PASSWORD)
        )
        app = make_app(tmp_path / "var", smtp)
        queue(app)
        report = send_pending(app)
        assert report.count(Result.SENT) == 1, report
        assert mailbox.logins == [USER]
        assert mailbox.received[0]["Subject"] == "[C-000001] Re: Reklamacja"
        assert "dziękujemy" in mailbox.received[0].get_content()
        app.close()
    finally:
        controller.stop()


def test_an_untrusted_certificate_is_refused_and_retried_later(
    tmp_path: Path, mailbox: Mailbox, certificate: tuple[Path, Path]
) -> None:
    controller = tls_server(mailbox, certificate, implicit=False)
    try:
        smtp = smtp_settings(controller.port, security="starttls")
        app = make_app(tmp_path / "var", smtp)
        outbox_id = queue(app)
        report = send_pending(app)
        assert report.count(Result.RETRY) == 1
        assert "CERTIFICATE_VERIFY_FAILED" in report.stopped
        assert status_of(app, outbox_id).status == "pending"
        assert mailbox.received == []
        app.close()
    finally:
        controller.stop()


def test_a_wrong_password_is_retried_later_not_lost(
    tmp_path: Path,
    mailbox: Mailbox,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    controller = tls_server(mailbox, certificate, implicit=False)
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        smtp = smtp_settings(
            controller.port, security="starttls", username=USER, password=Secret(literal="no")
        )
        app = make_app(tmp_path / "var", smtp)
        outbox_id = queue(app)
        report = send_pending(app)
        assert report.count(Result.RETRY) == 1
        assert "535" in report.stopped
        assert status_of(app, outbox_id).status == "pending"
        app.settings = replace(app.settings, smtp=replace(smtp, password=Secret(literal=PASSWORD)))
        make_due(app, outbox_id)
        assert send_pending(app).count(Result.SENT) == 1
        assert len(mailbox.received) == 1
        app.close()
    finally:
        controller.stop()


def make_due(app: App, outbox_id: int) -> None:
    with unit_of_work(app.sessions) as session:
        session.get_one(OutboxMessage, outbox_id).next_attempt_at = utcnow().replace(year=2020)


def test_a_refusing_server_means_a_retry_later_and_no_duplicate(
    tmp_path: Path, plain_server: int, mailbox: Mailbox
) -> None:
    app = make_app(tmp_path / "var", smtp_settings(plain_server))
    outbox_id = queue(app)
    mailbox.answers = ["451 4.3.0 Try again later"]
    report = send_pending(app)
    assert report.count(Result.RETRY) == 1
    row = status_of(app, outbox_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error is not None and "451" in row.last_error
    assert row.next_attempt_at is not None and row.next_attempt_at > utcnow()
    # Not due yet: nothing is sent.
    assert send_pending(app).deliveries == ()
    make_due(app, outbox_id)
    assert send_pending(app).count(Result.SENT) == 1
    assert send_pending(app).deliveries == ()
    assert len(mailbox.received) == 1
    assert status_of(app, outbox_id).status == "sent"
    app.close()


def test_the_retry_delay_doubles_and_the_last_attempt_fails_with_the_reason(
    tmp_path: Path, plain_server: int, mailbox: Mailbox
) -> None:
    app = make_app(tmp_path / "var", smtp_settings(plain_server), max_attempts=3)
    outbox_id = queue(app)
    delays = []
    for _ in range(3):
        mailbox.answers = ["452 4.2.2 Mailbox full"]
        before = utcnow()
        send_pending(app)
        row = status_of(app, outbox_id)
        if row.next_attempt_at is not None:
            delays.append(round((row.next_attempt_at - before).total_seconds() / 60))
        make_due(app, outbox_id)
    assert delays == [1, 2]
    row = status_of(app, outbox_id)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "452" in (row.last_error or "")
    assert mailbox.received == []


def test_a_permanently_refused_recipient_fails_at_once(
    tmp_path: Path, plain_server: int, mailbox: Mailbox
) -> None:
    app = make_app(tmp_path / "var", smtp_settings(plain_server))
    refused = queue(app, number=1)
    fine = queue(app, to="piotr@example.pl", number=2)
    mailbox.answers = ["550 5.1.1 No such user"]
    report = send_pending(app)
    assert [d.result for d in report.deliveries] == [Result.FAILED, Result.SENT]
    assert status_of(app, refused).status == "failed"
    assert "550" in (status_of(app, refused).last_error or "")
    assert status_of(app, fine).status == "sent"
    # An operator who fixed the cause puts it back; it is sent once.
    assert requeue(app, refused, actor="test")
    assert send_pending(app).count(Result.SENT) == 1
    assert len(mailbox.received) == 2
    app.close()


def test_no_server_listening_leaves_the_message_for_a_retry(tmp_path: Path) -> None:
    app = make_app(tmp_path / "var", smtp_settings(free_port()))
    first, second = queue(app, number=1), queue(app, number=2)
    report = send_pending(app)
    assert report.count(Result.RETRY) == 1 and report.stopped
    assert status_of(app, first).status == "pending"
    # The run stopped instead of trying every message against a dead server.
    assert status_of(app, second).attempts == 0
    app.close()


def write_config(home: Path, port: int) -> Path:
    config = home.parent / "intake.toml"
    config.write_text(
        "[smtp]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n"
        'security = "none"\n'
        'from_address = "service@vistula-electronics.pl"\n'
        'message_id_domain = "intake.vistula-electronics.pl"\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.slow
@pytest.mark.parametrize("point", ["outbox.after_claim", "outbox.after_send"])
def test_a_crash_after_the_claim_never_sends_twice(
    tmp_path: Path, plain_server: int, mailbox: Mailbox, point: str
) -> None:
    home = tmp_path / "var"
    app = make_app(home, smtp_settings(plain_server))
    outbox_id = queue(app)
    config = write_config(home, plain_server)
    crashed = run_intake(home, "send", "-c", str(config), INTAKE_FAILPOINT=point)
    assert crashed.returncode == -9, crashed.stderr
    received_before = len(mailbox.received)
    assert received_before == (1 if point == "outbox.after_send" else 0)
    assert status_of(app, outbox_id).status == "sending"
    # The next run leaves it alone: it may have gone out already.
    assert send_pending(app).deliveries == ()
    assert status_of(app, outbox_id).status == "sending"
    # Later it shows as stuck, for an operator to decide.
    make_due(app, outbox_id)
    assert send_pending(app).stuck == (outbox_id,)
    assert len(mailbox.received) == received_before
    if point == "outbox.after_claim":
        listed = run_intake(home, "outbox", "list", "-c", str(config), COLUMNS="200")
        assert "sending (stuck)" in listed.stdout
        # The operator checked the server's log: it never went out, so it is sent now, once.
        assert requeue(app, outbox_id, actor="test")
        assert send_pending(app).count(Result.SENT) == 1
        assert len(mailbox.received) == 1
    app.close()


@pytest.mark.slow
def test_intake_process_sends_the_outbox_afterwards(
    tmp_path: Path, plain_server: int, mailbox: Mailbox
) -> None:
    home = tmp_path / "var"
    app = make_app(home, smtp_settings(plain_server))
    source = tmp_path / "pl_billing_02.eml"
    source.write_bytes((SAMPLES / "email" / "pl_billing_02.eml").read_bytes())
    ingest_paths(app, [source])
    config = write_config(home, plain_server)
    done = run_intake(home, "process", "-c", str(config))
    assert done.returncode == 0, done.stderr
    assert "Outbox: sent 1" in done.stdout
    [received] = mailbox.received
    assert received["To"] == "g.zolkowski@onet.pl"
    assert "Duplikat faktury i podwójne obciążenie" in received.get_content()
    with app.sessions() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"acknowledgement queued", "sent"} <= actions
    app.close()
