"""Joining the soft line breaks of format=flowed text (RFC 3676) back into paragraphs."""

from __future__ import annotations

import re

_QUOTE = re.compile(r"^>+")
_SIGNATURE_SEPARATOR = "-- "


def unflow(text: str, delsp: bool) -> str:
    """Join lines that end in a space with the next line of the same quote depth."""
    lines: list[str] = []
    pending: str | None = None
    pending_depth = 0
    for raw_line in text.split("\n"):
        quote_match = _QUOTE.match(raw_line)
        quote = quote_match.group() if quote_match else ""
        line = raw_line[len(quote) :]
        # A leading space is "stuffing" added by the sender so the line does not look quoted.
        line = line.removeprefix(" ")
        if pending is not None and len(quote) != pending_depth:
            lines.append(pending)
            pending = None
        prefix = f"{quote} " if quote and pending is None else ""
        content = (pending if pending is not None else "") + prefix + line
        if line.endswith(" ") and line != _SIGNATURE_SEPARATOR:
            pending = content[:-1] if delsp else content
            pending_depth = len(quote)
        else:
            lines.append(content)
            pending = None
    if pending is not None:
        lines.append(pending)
    return "\n".join(lines)
