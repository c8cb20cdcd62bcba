"""Attachment parts: a usable file name, a media type, and whether the part is a document."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from email.message import Message
from email.policy import EmailPolicy, compat32
from urllib.parse import unquote

from intake.mail.charsets import has_raw_bytes, repair_escaped
from intake.mail.headers import decode_encoded_words, header_text, raw_header
from intake.mail.models import Attachment
from intake.mail.notes import RepairNotes

# Images below this size without an explicit "attachment" disposition are signature logos,
# social icons and tracking pixels; a photo or scan a customer sends is far larger.
LOGO_MAX_BYTES = 16 * 1024

_EXTENSIONS = {
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
    "message/disposition-notification": ".txt",
    "message/feedback-report": ".txt",
    "text/rfc822-headers": ".txt",
    "application/octet-stream": ".bin",
}
_CID_REFERENCE = re.compile(r"""cid:([^"'\s)>]+)""", re.IGNORECASE)
_OUTLOOK_EMBEDDED_NAME = re.compile(r"image\d{3}\.(?:png|jpe?g|gif|bmp)", re.IGNORECASE)
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class AttachmentPart:
    """An attachment as found in the tree, before it is known whether the HTML shows it inline."""

    filename: str
    media_type: str
    data: bytes
    content_id: str | None
    explicit_attachment: bool


def read_attachment_part(
    part: Message,
    media_type: str,
    data: bytes,
    index: int,
    notes: RepairNotes,
    charset_hint: str | None = None,
) -> AttachmentPart:
    filename = attachment_filename(part, notes, charset_hint) or _invented_name(media_type, index)
    content_id = header_text(part, "Content-ID", notes).strip().strip("<>").strip() or None
    return AttachmentPart(
        filename=filename,
        media_type=_refined_media_type(media_type, filename),
        data=data,
        content_id=content_id,
        explicit_attachment=disposition(part) == "attachment",
    )


def disposition(part: Message) -> str | None:
    """The part's Content-Disposition ("inline", "attachment"), lower case, if it has one."""
    try:
        value = part.get_content_disposition()
    except Exception:  # an unparsable disposition counts as none
        return None
    return value.lower() if value else None


def attachment_filename(
    part: Message, notes: RepairNotes, charset_hint: str | None = None
) -> str | None:
    """The file name from Content-Disposition or Content-Type, decoded (RFC 2231 and 2047)."""
    name = _eight_bit_filename(part, notes, charset_hint)
    if name is None:
        name = _modern_filename(part)
    if name is None:
        try:
            name = part.get_filename()
        except Exception:  # a parameter the legacy reader cannot split either
            name = None
    if not name:
        return None
    if "=?" in name:
        # RFC 2047 words inside a parameter break the standard but are what many clients send.
        name = decode_encoded_words(name, notes, "Content-Disposition filename")
    repaired = repair_escaped(name)
    if repaired.note:
        notes.add(f"attachment file name: {repaired.note}")
    return _safe_filename(repaired.text)


def _eight_bit_filename(part: Message, notes: RepairNotes, charset_hint: str | None) -> str | None:
    """A file name written in raw 8-bit bytes, which the modern parser would turn into U+FFFD."""
    for header in ("Content-Disposition", "Content-Type"):
        raw = raw_header(part, header)
        if raw is None or not has_raw_bytes(raw):
            continue
        repaired = repair_escaped(raw, charset_hint)
        notes.add(f"attachment file name: {repaired.note}")
        # A throw-away legacy message reads the parameters of the repaired header text.
        holder = Message(policy=compat32)
        holder[header] = repaired.text
        name = holder.get_filename()
        if name:
            return name
    return None


def _modern_filename(part: Message) -> str | None:
    if not isinstance(part.policy, EmailPolicy):
        return None
    for header, parameter in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        try:
            value = part[header]
            params = value.params if value is not None else {}
        except Exception:  # fall back to the legacy reader below
            return None
        if params.get(parameter):
            return str(params[parameter])
    return None


def _safe_filename(name: str) -> str | None:
    # Only the last path component: names like "C:\\temp\\x.pdf" or "../../x" must not escape.
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE_NAME_CHARS.sub("", base).strip().strip(".").strip()
    return base or None


def _invented_name(media_type: str, index: int) -> str:
    extension = _EXTENSIONS.get(media_type) or mimetypes.guess_extension(media_type) or ".bin"
    return f"part-{index}{extension}"


def _refined_media_type(media_type: str, filename: str) -> str:
    # Many clients send every file as octet-stream; the extension says more.
    if media_type != "application/octet-stream":
        return media_type
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or media_type


def referenced_content_ids(documents: list[str]) -> frozenset[str]:
    """Content-IDs (lower case) that bodies show through "cid:" URLs.

    Plain text counts too: Outlook leaves "[cid:image001.png@...]" where a picture was.
    """
    return frozenset(
        unquote(match).strip("<>[]").lower()
        for document in documents
        for match in _CID_REFERENCE.findall(document)
    )


def finish_attachment(part: AttachmentPart, shown_by_html: frozenset[str]) -> Attachment:
    return Attachment(
        filename=part.filename,
        media_type=part.media_type,
        data=part.data,
        inline=_is_inline(part, shown_by_html),
        content_id=part.content_id,
    )


def _is_inline(part: AttachmentPart, shown_by_html: frozenset[str]) -> bool:
    if part.content_id and part.content_id.lower() in shown_by_html:
        return True
    if not part.media_type.startswith("image/") or len(part.data) > LOGO_MAX_BYTES:
        return False
    # A small image meant for embedding (it has a Content-ID) or named the way Outlook names
    # embedded pictures is a signature logo, even when the HTML that showed it was not kept.
    embedded = part.content_id is not None and not part.explicit_attachment
    return embedded or _OUTLOOK_EMBEDDED_NAME.fullmatch(part.filename) is not None
