"""Sending the outbox: each pending message at most once, with retries and a reason when it fails.

The life of a message: `pending` -> `sending` (claimed) -> `sent`, or back to `pending` with a
doubling delay after a temporary failure, or `failed` with the reason after a permanent one or
after `max_attempts`.

The claim is a conditional UPDATE (`pending` -> `sending`) committed *before* the server is
contacted, so two senders never send the same message. While a message is `sending`,
`next_attempt_at` holds the moment of the claim. A process that dies between the claim and
marking the message `sent` leaves it `sending`: it may or may not have reached the server, and we
cannot know. Such a message is never resent automatically (a customer would rather miss one
confirmation than get two); once it is older than `STUCK_AFTER` it is reported as stuck by every
`intake send` and by `intake outbox list`, and an operator who has checked (the server's log
carries its Message-ID) puts it back with `intake outbox requeue ID`.
"""

from __future__ import annotations

import enum
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from intake import failpoints
from intake.app import App
from intake.outbox_smtp import (
    OutgoingMail,
    breaks_session,
    connect,
    describe,
    is_permanent,
    send,
)
from intake.secrets import SecretError
from workflow.audit import record
from workflow.models import OutboxMessage, utcnow

STUCK_AFTER = timedelta(minutes=10)


class Status(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Result(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    outbox_id: int
    to_address: str
    result: Result
    reason: str = ""


@dataclass(frozen=True)
class SendReport:
    deliveries: tuple[Delivery, ...]
    stuck: tuple[int, ...]
    # Why the run stopped early (the server could not be reached), or empty.
    stopped: str = ""

    def count(self, result: Result) -> int:
        return sum(1 for d in self.deliveries if d.result is result)


def due(session: Session, now: datetime, limit: int) -> list[int]:
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == Status.PENDING,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def stuck(session: Session, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == Status.SENDING,
                OutboxMessage.next_attempt_at < now - STUCK_AFTER,
            )
            .order_by(OutboxMessage.id)
        )
    )


def claim(app: App, outbox_id: int, now: datetime) -> OutgoingMail | None:
    """Take the message for this process, committed; None when another sender was first."""
    with app.sessions() as session, session.begin():
        taken = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.status == Status.PENDING)
            .values(
                status=Status.SENDING,
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get_one(OutboxMessage, outbox_id)
        return OutgoingMail(
            outbox_id=row.id,
            to_address=row.to_address,
            subject=row.subject,
            body_text=row.body_text,
            message_id=row.message_id,
            in_reply_to=row.in_reply_to,
            references=tuple(row.references or ()),
            attempts=row.attempts,
        )


def mark_sent(app: App, mail: OutgoingMail) -> Delivery:
    with app.sessions() as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == mail.outbox_id, OutboxMessage.status == Status.SENDING)
            .values(status=Status.SENT, sent_at=utcnow(), next_attempt_at=None, last_error=None)
            .execution_options(synchronize_session=False)
        )
        record(session, "outbox", "outbox", mail.outbox_id, "sent", to=mail.to_address)
    return Delivery(mail.outbox_id, mail.to_address, Result.SENT)


def mark_unsent(app: App, mail: OutgoingMail, error: BaseException, now: datetime) -> Delivery:
    """After a failed attempt: back to `pending` with a doubling delay, or `failed` for good."""
    settings = app.settings.acknowledgements
    reason = describe(error)
    give_up = is_permanent(error) or mail.attempts >= settings.max_attempts
    values: dict[str, object] = {"last_error": reason}
    if give_up:
        values.update(status=Status.FAILED, next_attempt_at=None)
    else:
        delay = settings.retry_base_seconds * 2 ** (mail.attempts - 1)
        values.update(status=Status.PENDING, next_attempt_at=now + timedelta(seconds=delay))
    with app.sessions() as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == mail.outbox_id, OutboxMessage.status == Status.SENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        action = "send failed" if give_up else "send retry scheduled"
        record(
            session,
            "outbox",
            "outbox",
            mail.outbox_id,
            action,
            reason=reason,
            attempt=mail.attempts,
        )
    return Delivery(
        mail.outbox_id, mail.to_address, Result.FAILED if give_up else Result.RETRY, reason
    )


def send_pending(
    app: App, *, limit: int = 500, context: ssl.SSLContext | None = None
) -> SendReport:
    """Send what is due over one SMTP session; a server that cannot be reached ends the run."""
    smtp = app.settings.smtp
    if smtp is None:
        raise ValueError("no [smtp] server is configured; the outbox cannot be sent")
    now = utcnow()
    with app.sessions() as session:
        ids = due(session, now, limit)
    deliveries: list[Delivery] = []
    client: smtplib.SMTP | None = None
    stopped = ""
    try:
        for outbox_id in ids:
            mail = claim(app, outbox_id, now)
            if mail is None:
                continue
            failpoints.hit("outbox.after_claim")
            try:
                client = client or connect(smtp, context)
                send(client, mail, smtp)
            except (smtplib.SMTPException, OSError, SecretError) as error:
                deliveries.append(mark_unsent(app, mail, error, now))
                if breaks_session(error):
                    stopped = describe(error)
                    break
                continue
            failpoints.hit("outbox.after_send")
            deliveries.append(mark_sent(app, mail))
    finally:
        _quit(client)
    with app.sessions() as session:
        stuck_ids = stuck(session, utcnow())
    return SendReport(tuple(deliveries), tuple(stuck_ids), stopped)


def _quit(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def requeue(app: App, outbox_id: int, actor: str) -> bool:
    """An operator's decision: a failed or stuck message is sent again at the next run."""
    with app.sessions() as session, session.begin():
        message = session.get(OutboxMessage, outbox_id)
        if message is None or message.status not in (Status.FAILED, Status.SENDING):
            return False
        claimed = message.next_attempt_at
        # A fresh claim may belong to a sender at work right now.
        if message.status == Status.SENDING and claimed and claimed >= utcnow() - STUCK_AFTER:
            return False
        previous = message.status
        message.status = Status.PENDING
        message.attempts = 0
        message.next_attempt_at = None
        record(session, actor, "outbox", outbox_id, "requeued", previous=previous)
    return True
