"""Outlook's `winmail.dat` parts replaced by the files and the body packed inside them."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from intake.mail.attachments import AttachmentPart
from intake.mail.html_text import html_to_text
from intake.mail.tnef import TnefError, is_tnef, read_tnef

TNEF_MEDIA_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


@dataclass(frozen=True)
class Unpacked:
    """The files of a TNEF part and the body text Outlook kept only there (may be empty)."""

    attachments: tuple[AttachmentPart, ...]
    body_text: str
    body_html: str | None
    notes: tuple[str, ...]


def is_winmail(part: AttachmentPart) -> bool:
    named = part.filename.lower() in ("winmail.dat", "win.dat")
    return (part.media_type in TNEF_MEDIA_TYPES or named) and is_tnef(part.data)


def unpack_winmail(part: AttachmentPart) -> Unpacked | None:
    """The contents of a TNEF part, or None when it cannot be read (it then stays as it is)."""
    try:
        content = read_tnef(part.data)
    except TnefError:
        return None
    files = tuple(
        AttachmentPart(
            filename=item.filename,
            media_type=_media_type(item.media_type, item.filename),
            data=item.data,
            content_id=None,
            explicit_attachment=True,
        )
        for item in content.attachments
    )
    text = content.body_text or (html_to_text(content.body_html) if content.body_html else "")
    notes = tuple(f"{part.filename}: {note}" for note in content.notes)
    return Unpacked(attachments=files, body_text=text, body_html=content.body_html, notes=notes)


def _media_type(declared: str | None, filename: str) -> str:
    if declared and declared != "application/octet-stream" and "/" in declared:
        return declared.lower()
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"
