"""Reading header values, with the stdlib's legacy decoder for what the modern parser rejects."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import utils
from email.header import decode_header
from email.message import Message
from email.policy import EmailPolicy

from intake.mail.charsets import decode_bytes, has_raw_bytes, repair_escaped
from intake.mail.header_cache import IndexedMessage
from intake.mail.notes import RepairNotes

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_WHITESPACE = re.compile(r"\s+")
_ADDRESS = re.compile(r"[^\s@<>\"(),;:]+@[^\s@<>\"(),;:]+")
_ADDRESS_IN_TEXT = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def raw_header(message: Message, name: str) -> str | None:
    """The header's stored value before any decoding, or None when absent."""
    if isinstance(message, IndexedMessage):
        return message.raw_value(name)
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def header_text(
    message: Message, name: str, notes: RepairNotes, charset_hint: str | None = None
) -> str:
    """The decoded, unfolded value of a header; empty when absent."""
    raw = raw_header(message, name)
    if raw is None:
        return ""
    text = None
    if has_raw_bytes(raw):
        # The modern parser turns undeclared 8-bit bytes into U+FFFD; decode them here instead.
        repaired = repair_escaped(raw, charset_hint)
        notes.add(f"header {name}: {repaired.note}")
        return _WHITESPACE.sub(" ", decode_encoded_words(repaired.text, notes, name)).strip()
    if isinstance(message.policy, EmailPolicy):
        try:
            text = str(message[name])
        except Exception as exc:  # the modern header parser raises on some malformed values
            notes.add(f"header {name}: standard parser failed ({_reason(exc)}); legacy decoding")
    if text is None:
        text = decode_encoded_words(raw, notes, name)
    repaired = repair_escaped(text, charset_hint)
    if repaired.note:
        notes.add(f"header {name}: {repaired.note}")
    return _WHITESPACE.sub(" ", repaired.text).strip()


def decode_encoded_words(raw: str, notes: RepairNotes, name: str) -> str:
    """RFC 2047 decoding the compat32 way, chunk by chunk, with charset fallbacks."""
    unfolded = _WHITESPACE.sub(" ", raw)
    try:
        chunks = decode_header(unfolded)
    except Exception as exc:
        notes.add(f"header {name}: encoded words unreadable ({_reason(exc)}); kept as written")
        return unfolded
    pieces: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            pieces.append(chunk)
            continue
        decoded = decode_bytes(chunk, charset)
        if decoded.note:
            notes.add(f"header {name}: {decoded.note}")
        pieces.append(decoded.text)
    return "".join(pieces)


def header_addresses(
    message: Message, name: str, notes: RepairNotes, charset_hint: str | None = None
) -> tuple[tuple[str, str], ...]:
    """(display name, address) pairs of an address header; groups are flattened."""
    if raw_header(message, name) is None:
        return ()
    if isinstance(message.policy, EmailPolicy):
        try:
            pairs = tuple(
                (
                    _clean(address.display_name, charset_hint),
                    _clean(address.addr_spec, charset_hint),
                )
                for address in message[name].addresses
            )
        except Exception as exc:
            notes.add(f"header {name}: addresses rejected by the standard parser ({_reason(exc)})")
            pairs = ()
        if pairs and all(_ADDRESS.fullmatch(address) for _, address in pairs):
            return pairs
    # The legacy parser, then a plain search, accept what the strict one gives up on.
    # Decoded from the raw value: the modern header's own text is rebuilt from what it parsed.
    raw = repair_escaped(raw_header(message, name) or "", charset_hint).text
    text = _WHITESPACE.sub(" ", decode_encoded_words(raw, RepairNotes(), name))
    pairs = tuple(
        (display.strip(), address.strip())
        for display, address in utils.getaddresses([text])
        if address.strip()
    )
    if pairs and all(_ADDRESS.fullmatch(address) for _, address in pairs):
        return pairs
    found = tuple(("", address) for address in _ADDRESS_IN_TEXT.findall(text))
    if found:
        notes.add(f"header {name}: malformed; addresses picked out of the text")
    return found


def _clean(value: str, charset_hint: str | None) -> str:
    return repair_escaped(value, charset_hint).text.strip()


def header_date(message: Message, notes: RepairNotes) -> datetime | None:
    """The Date header as an aware datetime; a date without a zone is taken as UTC."""
    text = header_text(message, "Date", notes)
    if not text:
        return None
    try:
        parsed = utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        notes.add(f"header Date: {text!r} is not a date; left empty")
        return None
    if parsed.tzinfo is None:
        notes.add("header Date: no time zone; taken as UTC")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def message_ids(text: str) -> tuple[str, ...]:
    """The <id> tokens in a Message-ID, In-Reply-To or References value, in order, once each."""
    found = _MESSAGE_ID.findall(text)
    if not found and text.strip():
        # Some clients drop the angle brackets; keep the ids comparable with those that do not.
        found = [f"<{token.strip('<>')}>" for token in text.split() if "@" in token]
    return tuple(dict.fromkeys(found))


def _reason(exc: Exception) -> str:
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
