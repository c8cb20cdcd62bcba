"""`X-Auto-Response-Suppress`: Exchange marks its own automatic messages (out-of-office)."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, HeaderReader, Verdict, first_word
from intake.mail.models import ParsedEmail


def matches(header: HeaderReader) -> bool:
    return first_word(header("X-Auto-Response-Suppress")) not in ("", "none")


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    if not matches(mail.header):
        return PERSON
    reason = f"X-Auto-Response-Suppress: {mail.header('X-Auto-Response-Suppress')}"
    return Verdict("auto-reply", "auto_response_suppress", reason)
