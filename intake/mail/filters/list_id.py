"""`List-Id` (RFC 2919): a mailing list's copy, not a customer writing to us."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, HeaderReader, Verdict
from intake.mail.models import ParsedEmail


def matches(header: HeaderReader) -> bool:
    return header("List-Id") is not None


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    if not matches(mail.header):
        return PERSON
    return Verdict("mailing-list", "list_id", f"List-Id: {mail.header('List-Id')}")
