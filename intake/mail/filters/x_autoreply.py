"""`X-Autoreply` / `X-Autorespond`: older vacation programs mark their replies this way."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, HeaderReader, Verdict
from intake.mail.models import ParsedEmail

_NAMES = ("X-Autoreply", "X-Autorespond")


def matches(header: HeaderReader) -> bool:
    return any(header(name) is not None for name in _NAMES)


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    name = next((name for name in _NAMES if mail.header(name) is not None), None)
    if name is None:
        return PERSON
    return Verdict("auto-reply", "x_autoreply", f"{name}: {mail.header(name)}")
