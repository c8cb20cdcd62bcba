"""Walking the MIME tree: the text a person would read, the original HTML, and the attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import Policy
from functools import cache

from intake.mail.attachments import (
    AttachmentPart,
    disposition,
    finish_attachment,
    read_attachment_part,
    referenced_content_ids,
)
from intake.mail.charsets import decode_bytes, sniff_html_charset
from intake.mail.flowed import unflow
from intake.mail.headers import header_text, message_ids
from intake.mail.html_text import html_to_text
from intake.mail.models import Attachment
from intake.mail.notes import RepairNotes, describe_defect
from intake.mail.winmail import is_winmail, unpack_winmail

# Deeper trees are built to exhaust parsers, not written by people.
MAX_DEPTH = 40
FORWARD_MARKER = "---------- Forwarded message ----------"
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_FORWARD_TYPES = frozenset({"message/rfc822", "message/global", "message/news"})
_FORWARD_HEADERS = ("From", "Date", "Subject", "To")
_HEADER_ONLY_TYPES = frozenset({"text/rfc822-headers", "message/rfc822-headers"})


@dataclass(frozen=True)
class Body:
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    # Message-IDs of the messages enclosed whole or as headers only (a bounce's original).
    enclosed_message_ids: tuple[str, ...]


def read_body(message: Message, notes: RepairNotes, charset_hint: str | None = None) -> Body:
    """Text, HTML and attachments of a message; `charset_hint` decodes 8-bit file names."""
    walker = _Walker(notes, charset_hint)
    text = walker.render(message, depth=0, is_root=True)
    if not text.strip() and walker.packed_texts:
        # Outlook sometimes sends the body only inside winmail.dat.
        text = "\n\n".join(walker.packed_texts)
    html_documents = walker.html_documents or walker.packed_html
    shown = referenced_content_ids(html_documents + walker.plain_documents)
    return Body(
        text=_tidy(text),
        html=html_documents[0] if html_documents else None,
        attachments=tuple(finish_attachment(part, shown) for part in walker.attachments),
        enclosed_message_ids=tuple(dict.fromkeys(walker.enclosed_ids)),
    )


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Walker:
    def __init__(self, notes: RepairNotes, charset_hint: str | None) -> None:
        self.notes = notes
        self.charset_hint = charset_hint
        self.plain_documents: list[str] = []
        self.attachments: list[AttachmentPart] = []
        # Every HTML body, outer message first: the first is "the" HTML, all may reference cids.
        self.html_documents: list[str] = []
        # Bodies found only inside TNEF (winmail.dat) parts.
        self.packed_texts: list[str] = []
        self.packed_html: list[str] = []
        self.enclosed_ids: list[str] = []
        self._part_count = 0

    def render(self, part: Message, depth: int, is_root: bool = False) -> str:
        """The readable text of a part and everything below it; attachments are collected."""
        self._part_count += 1
        where = f"part {self._part_count}"
        if depth > MAX_DEPTH:
            self.notes.add(f"MIME nesting deeper than {MAX_DEPTH} levels; the rest was skipped")
            return ""
        try:
            text = self._render_part(part, depth, is_root, where)
        except Exception as exc:  # one unreadable part must not cost the rest of the message
            self.notes.add(f"{where}: could not be read ({type(exc).__name__}: {exc}); skipped")
            text = ""
        for defect in part.defects:
            self.notes.add(f"{where}: {describe_defect(defect)}")
        return text

    def _render_part(self, part: Message, depth: int, is_root: bool, where: str) -> str:
        media_type = part.get_content_type().lower()
        if media_type in _FORWARD_TYPES:
            return self._forwarded(part, depth, where)
        if part.is_multipart():
            if media_type.startswith("message/"):
                self._attach(part, media_type, _message_bytes(part, self.notes, where))
                return ""
            return self._multipart(part, media_type, depth)
        if media_type.startswith("multipart/"):
            self.notes.add(f"{where}: {media_type} without readable parts; read as plain text")
            return self._text(part, "text/plain", where)
        if media_type in _BODY_TYPES and (is_root or _is_body_text(part)):
            return self._text(part, media_type, where)
        self._attach(part, media_type, part.get_payload(decode=True) or b"")
        return ""

    def _multipart(self, part: Message, media_type: str, depth: int) -> str:
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if media_type == "multipart/alternative":
            return self._alternative(children, depth)
        texts = [self.render(child, depth + 1) for child in children]
        if media_type == "multipart/related" and texts:
            # Only the root of a related group is read; the rest are its images and styles.
            return texts[0]
        return "\n\n".join(text for text in texts if text.strip())

    def _alternative(self, children: list[Message], depth: int) -> str:
        # Every alternative is walked so the HTML and its images are kept, but a person reads
        # the plain text when there is one, else the richest other version (listed last).
        rendered = [(child, self.render(child, depth + 1)) for child in children]
        is_plain = [child.get_content_type() == "text/plain" for child in children]
        plain = [text for (_, text), flag in zip(rendered, is_plain, strict=True) if flag]
        others = [text for (_, text), flag in zip(rendered, is_plain, strict=True) if not flag]
        return next((text for text in plain + others[::-1] if text.strip()), "")

    def _text(self, part: Message, media_type: str, where: str) -> str:
        data = part.get_payload(decode=True) or b""
        charset = part.get_content_charset()
        if media_type == "text/html" and charset is None:
            charset = sniff_html_charset(data)
        decoded = decode_bytes(data, charset)
        if decoded.note:
            self.notes.add(f"{where} ({media_type}): {decoded.note}")
        text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
        if media_type == "text/html":
            self.html_documents.append(text)
            return html_to_text(text)
        if (part.get_param("format") or "").lower() == "flowed":
            text = unflow(text, delsp=(part.get_param("delsp") or "").lower() == "yes")
        self.plain_documents.append(text)
        return text

    def _forwarded(self, part: Message, depth: int, where: str) -> str:
        inner = _enclosed_message(part)
        if inner is None:
            self.notes.add(f"{where}: enclosed message is empty")
            return ""
        self.enclosed_ids.extend(message_ids(header_text(inner, "Message-ID", self.notes))[:1])
        lines = [FORWARD_MARKER]
        for name in _FORWARD_HEADERS:
            value = header_text(inner, name, self.notes)
            if value:
                lines.append(f"{name}: {value}")
        body = self.render(inner, depth + 1)
        return "\n".join(lines) + ("\n\n" + body if body.strip() else "")

    def _attach(self, part: Message, media_type: str, data: bytes) -> None:
        index = len(self.attachments) + 1
        found = read_attachment_part(part, media_type, data, index, self.notes, self.charset_hint)
        if media_type in _HEADER_ONLY_TYPES:
            self._enclosed_headers(data)
        if is_winmail(found):
            self._unpack(found)
        else:
            self.attachments.append(found)

    def _enclosed_headers(self, data: bytes) -> None:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(data)
        self.enclosed_ids.extend(message_ids(header_text(headers, "Message-ID", self.notes))[:1])

    def _unpack(self, packed: AttachmentPart) -> None:
        unpacked = unpack_winmail(packed)
        if unpacked is None:
            self.notes.add(f"{packed.filename}: not a readable TNEF file; kept as it is")
            self.attachments.append(packed)
            return
        for note in unpacked.notes:
            self.notes.add(note)
        self.attachments.extend(unpacked.attachments)
        if unpacked.body_text.strip():
            self.packed_texts.append(unpacked.body_text)
        if unpacked.body_html:
            self.packed_html.append(unpacked.body_html)


def _is_body_text(part: Message) -> bool:
    # Without a disposition, mail clients show text parts inline, file name or not (RFC 2183).
    return disposition(part) != "attachment"


def _enclosed_message(part: Message) -> Message | None:
    payload = part.get_payload()
    if isinstance(payload, list):
        return next((item for item in payload if isinstance(item, Message)), None)
    # A message/rfc822 part the parser left as text (e.g. base64-encoded): parse it now.
    data = part.get_payload(decode=True) or b""
    return message_from_bytes(data, policy=part.policy) if data.strip() else None


def _message_bytes(part: Message, notes: RepairNotes, where: str) -> bytes:
    """The serialised content of a message/* part whose payload the parser split into blocks,
    its header lines as they came (the standard policy would fold long ones anew: slower, and
    no longer the message the customer forwarded)."""
    chunks: list[bytes] = []
    for block in part.get_payload():
        try:
            chunks.append(block.as_bytes(policy=_as_received(block.policy)))
        except Exception as exc:  # a block with headers the generator cannot write back
            notes.add(f"{where}: a block could not be serialised ({type(exc).__name__})")
    return b"\n".join(chunks)


@cache
def _as_received(policy: Policy) -> Policy:
    # compat32 never refolds; the modern policies do unless told not to.
    return policy.clone(refold_source="none") if hasattr(policy, "refold_source") else policy
