"""The verdict whether a message was sent by a machine (auto-reply, list, bulk), from its headers.

Only the top-level headers count: a forwarded list message inside a person's email does not make
that email automatic.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_FIRST_WORD = re.compile(r"[^\s;(]+")

HeaderReader = Callable[[str], str | None]


def is_auto_submitted(header: HeaderReader) -> bool:
    """True when any header says no person wrote the message; `header` returns None if absent."""
    return any(rule(header) for rule in _RULES)


def _first_word(value: str | None) -> str:
    match = _FIRST_WORD.search(value or "")
    return match.group().lower() if match else ""


def _auto_submitted_header(header: HeaderReader) -> bool:
    # RFC 3834: any value other than "no" (auto-generated, auto-replied, auto-notified).
    value = header("Auto-Submitted")
    return value is not None and _first_word(value) not in ("", "no")


def _autoreply_headers(header: HeaderReader) -> bool:
    return any(header(name) is not None for name in ("X-Autoreply", "X-Autorespond"))


def _bulk_precedence(header: HeaderReader) -> bool:
    return _first_word(header("Precedence")) in _BULK_PRECEDENCE


def _auto_response_suppress(header: HeaderReader) -> bool:
    # Exchange marks its own automatic messages (out-of-office, receipts) with this header.
    return _first_word(header("X-Auto-Response-Suppress")) not in ("", "none")


def _mailing_list(header: HeaderReader) -> bool:
    return header("List-Id") is not None


_RULES: tuple[Callable[[HeaderReader], bool], ...] = (
    _auto_submitted_header,
    _autoreply_headers,
    _bulk_precedence,
    _auto_response_suppress,
    _mailing_list,
)
