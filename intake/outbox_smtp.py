"""Talking to the SMTP server: connecting (SSL, STARTTLS or plain, AUTH when a user is set), the
MIME form of an outbox message, and which server answers are worth a retry."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from intake.config_mail import SmtpSettings
from workflow.models import utcnow


@dataclass(frozen=True)
class OutgoingMail:
    """A claimed outbox row as plain values, so no database session stays open during SMTP."""

    outbox_id: int
    to_address: str
    subject: str
    body_text: str
    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    attempts: int


def tls_context() -> ssl.SSLContext:
    # The system's trust store; a private CA is added with SSL_CERT_FILE, as for any OpenSSL tool.
    return ssl.create_default_context()


def connect(smtp: SmtpSettings, context: ssl.SSLContext | None = None) -> smtplib.SMTP:
    """An SMTP session ready to send: encrypted as configured and logged in when a user is set."""
    context = context or tls_context()
    port, timeout = smtp.resolved_port, smtp.timeout_seconds
    client: smtplib.SMTP
    if smtp.security == "ssl":
        client = smtplib.SMTP_SSL(smtp.host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, port, timeout=timeout)
    try:
        client.ehlo()
        if smtp.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if smtp.username:
            client.login(smtp.username, smtp.password.reveal())
    except BaseException:
        client.close()
        raise
    return client


def as_email(mail: OutgoingMail, smtp: SmtpSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((smtp.from_name, smtp.from_address))
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = mail.message_id
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        message["References"] = " ".join(mail.references)
    # RFC 3834: an automatic answer, so well-behaved auto-responders do not answer it in turn;
    # Exchange honours only its own header for the same purpose.
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(mail.body_text)
    return message


def send(client: smtplib.SMTP, mail: OutgoingMail, smtp: SmtpSettings) -> None:
    # The envelope sender is our address, not the null sender RFC 3834 allows: bounces then come
    # back to our mailbox, where delivery reports mark the address undeliverable.
    refused = client.send_message(
        as_email(mail, smtp), from_addr=smtp.from_address, to_addrs=[mail.to_address]
    )
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


def reply_code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return next(iter(error.recipients.values()))[0]
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def is_permanent(error: BaseException) -> bool:
    """A 5xx answer about this message (recipient, sender, content) will not change by waiting.

    A refused login (535) is a configuration problem of ours, not of the message: retried.
    """
    code = reply_code(error)
    return (
        code is not None
        and 500 <= code < 600
        and not isinstance(error, smtplib.SMTPAuthenticationError)
    )


def breaks_session(error: BaseException) -> bool:
    """Errors after which the connection is unusable, so the run stops instead of hammering."""
    return not isinstance(
        error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError | smtplib.SMTPSenderRefused
    )


def describe(error: BaseException) -> str:
    code = reply_code(error)
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        address, (code, text) = next(iter(error.recipients.items()))
        return f"recipient {address} refused: {code} {text.decode(errors='replace')}"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        shown = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{type(error).__name__}: {code} {shown}"
    detail = str(error).strip()
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__
