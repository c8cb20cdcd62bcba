"""The verdict whether a message was sent by a machine (auto-reply, list, bulk), from its headers.

Only the top-level headers count: a forwarded list message inside a person's email does not make
that email automatic. The rules themselves live in `intake.mail.filters`, one module each.
"""

from __future__ import annotations

from intake.mail.filters import has_machine_headers
from intake.mail.filters.verdict import HeaderReader


def is_auto_submitted(header: HeaderReader) -> bool:
    """True when any header says no person wrote the message; `header` returns None if absent."""
    return has_machine_headers(header)
