"""Readable notes of what the parser had to repair, collected while one message is read."""

from __future__ import annotations

import re
from email import errors

# The stdlib defect classes carry little or no message; say in plain words what each one means.
_DEFECT_WORDS: dict[type[errors.MessageDefect], str] = {
    errors.NoBoundaryInMultipartDefect: "multipart part declares no boundary; read as one block",
    errors.StartBoundaryNotFoundDefect: "multipart boundary never appears; read as one block",
    errors.CloseBoundaryNotFoundDefect: "multipart closing boundary missing; read to the end",
    errors.FirstHeaderLineIsContinuationDefect: "first header line is a continuation line",
    errors.MisplacedEnvelopeHeaderDefect: "'From ' envelope line found among the headers",
    errors.MissingHeaderBodySeparatorDefect: "no blank line between headers and body",
    errors.MultipartInvariantViolationDefect: "multipart type without parts; read as one block",
    errors.InvalidMultipartContentTransferEncodingDefect: (
        "multipart part has an invalid Content-Transfer-Encoding"
    ),
    errors.UndecodableBytesDefect: "bytes that no charset could decode",
    errors.InvalidBase64PaddingDefect: "base64 padding is wrong; decoded what was there",
    errors.InvalidBase64CharactersDefect: "base64 contains invalid characters; they were skipped",
    errors.InvalidBase64LengthDefect: "base64 length is invalid; decoded what was there",
}


def describe_defect(defect: errors.MessageDefect) -> str:
    """A sentence for one stdlib defect, falling back to its class name in words."""
    for kind, words in _DEFECT_WORDS.items():
        if isinstance(defect, kind):
            return words
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__).lower()
    name = name.removesuffix(" defect")
    detail = str(defect).strip()
    return f"{name}: {detail}" if detail else name


class RepairNotes:
    """An ordered, duplicate-free list of notes."""

    def __init__(self) -> None:
        self._notes: list[str] = []

    def add(self, note: str) -> None:
        if note not in self._notes:
            self._notes.append(note)

    def as_tuple(self) -> tuple[str, ...]:
        return tuple(self._notes)
