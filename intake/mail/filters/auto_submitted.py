"""RFC 3834: `Auto-Submitted` with any value but "no" means no person wrote the message."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, HeaderReader, Verdict, first_word
from intake.mail.models import ParsedEmail


def matches(header: HeaderReader) -> bool:
    value = header("Auto-Submitted")
    return value is not None and first_word(value) not in ("", "no")


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    if not matches(mail.header):
        return PERSON
    reason = f"Auto-Submitted: {mail.header('Auto-Submitted')}"
    return Verdict("auto-reply", "auto_submitted", reason)
