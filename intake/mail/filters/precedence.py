"""`Precedence: bulk | junk | list | auto_reply`: newsletters, lists and vacation replies."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, HeaderReader, Verdict, first_word
from intake.mail.models import ParsedEmail

_NOISE = {"bulk": "bulk", "junk": "bulk", "list": "mailing-list", "auto_reply": "auto-reply"}


def matches(header: HeaderReader) -> bool:
    return first_word(header("Precedence")) in _NOISE


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    word = first_word(mail.header("Precedence"))
    if word not in _NOISE:
        return PERSON
    return Verdict(_NOISE[word], "precedence", f"Precedence: {word}")
