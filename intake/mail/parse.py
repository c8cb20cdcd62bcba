"""`parse_email`: raw message bytes to a `ParsedEmail`, or `MalformedEmail` with the reason."""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesParser

from intake.mail.auto_reply import is_auto_submitted
from intake.mail.body import read_body
from intake.mail.header_cache import caching_default
from intake.mail.headers import (
    header_addresses,
    header_date,
    header_text,
    message_ids,
    raw_header,
)
from intake.mail.models import MalformedEmail, ParsedEmail
from intake.mail.notes import RepairNotes

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# Headers every mail system writes; a header block with none of them is not an email.
_KNOWN_HEADERS = frozenset(
    {
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "content-disposition", "received",
        "return-path", "reply-to", "sender", "delivered-to", "in-reply-to", "references",
    }
)  # fmt: skip
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER_NAME = re.compile(r"[!-9;-~]+")
_FOLDING = re.compile(r"\s*\r?\n\s*")
_LEADING_JUNK = re.compile(rb"\A(?:\xef\xbb\xbf)?[\r\n\t ]+|\A\xef\xbb\xbf")


def parse_email(raw: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedEmail:
    """Read one RFC 5322 message; repairs are listed in `defects`.

    Raises MalformedEmail only when the input cannot be an email at all (empty, too large,
    no header block); everything else is read as well as it can be.
    """
    if len(raw) > max_bytes:
        raise MalformedEmail(f"message is {len(raw):,} bytes, above the limit of {max_bytes:,}")
    notes = RepairNotes()
    raw = _strip_leading_junk(raw, notes)
    if not raw.strip():
        raise MalformedEmail("message is empty")
    modern = BytesParser(policy=caching_default).parsebytes(raw)
    _require_headers(modern)
    try:
        return _read(modern, notes)
    except Exception as exc:  # the modern policy gave up on something the legacy one accepts
        notes.add(f"standard parser failed ({type(exc).__name__}: {exc}); read with compat32")
    legacy = BytesParser(policy=policy.compat32).parsebytes(raw)
    try:
        return _read(legacy, notes)
    except Exception as exc:
        raise MalformedEmail(f"message cannot be read: {type(exc).__name__}: {exc}") from exc


def _strip_leading_junk(raw: bytes, notes: RepairNotes) -> bytes:
    # A blank line or byte-order mark before the headers would make the parser see no headers.
    stripped = _LEADING_JUNK.sub(b"", raw, count=1)
    if stripped != raw and stripped.strip():
        notes.add("blank lines or a byte-order mark before the headers were removed")
    return stripped


def _require_headers(message: Message) -> None:
    names = [name.lower() for name, _ in message.raw_items()]
    if not names and message.get_payload(decode=True).startswith(_OLE_MAGIC):
        raise MalformedEmail("an Outlook .msg file (OLE compound document), not a MIME message")
    if not names:
        raise MalformedEmail("no header block found: this is not an email message")
    if not any(_HEADER_NAME.fullmatch(name) for name in names) or not (
        set(names) & _KNOWN_HEADERS or any(name.startswith(("x-", "content-")) for name in names)
    ):
        raise MalformedEmail("no recognisable email header found: this is not an email message")


def _read(message: Message, notes: RepairNotes) -> ParsedEmail:
    hint = _declared_charset(message)
    senders = header_addresses(message, "From", notes, hint) or header_addresses(
        message, "Sender", notes, hint
    )
    sender_name, sender_address = senders[0] if senders else ("", "")
    recipients = header_addresses(message, "To", notes, hint)
    body = read_body(message, notes, hint)
    in_reply_to = message_ids(header_text(message, "In-Reply-To", notes))
    message_id = message_ids(header_text(message, "Message-ID", notes))
    return ParsedEmail(
        message_id=message_id[0] if message_id else None,
        subject=header_text(message, "Subject", notes, hint),
        sender_name=sender_name,
        sender_address=sender_address if "@" in sender_address else None,
        to=tuple(address for _, address in recipients if address),
        date=header_date(message, notes),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=message_ids(header_text(message, "References", notes)),
        text=body.text,
        html=body.html,
        attachments=body.attachments,
        auto_submitted=is_auto_submitted(lambda name: raw_header(message, name)),
        defects=notes.as_tuple(),
        headers=_top_headers(message),
        media_type=message.get_content_type().lower(),
        report_type=_report_type(message),
        enclosed_message_ids=body.enclosed_message_ids,
    )


def _top_headers(message: Message) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, _FOLDING.sub(" ", str(value)).strip()) for name, value in message.raw_items()
    )


def _report_type(message: Message) -> str:
    try:
        value = message.get_param("report-type")
    except Exception:  # an unparsable parameter list: no report type
        return ""
    return value.strip().lower() if isinstance(value, str) else ""


def _declared_charset(message: Message) -> str | None:
    """The first charset the message declares anywhere: the best guess for 8-bit headers."""
    try:
        for part in message.walk():
            charset = part.get_content_charset()
            if charset:
                return charset
    except Exception:  # a guess only; without it UTF-8 and cp1252 are tried
        return None
    return None
