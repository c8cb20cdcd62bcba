"""What the MIME parser hands to the email channel: a parsed message and its attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Attachment:
    """One leaf part that is not the message's readable body.

    `inline` marks parts that belong to the rendering of the message (an image referenced by
    `cid:` from the HTML, a small signature logo) rather than documents the customer sent.
    """

    filename: str
    media_type: str
    data: bytes
    inline: bool
    content_id: str | None


@dataclass(frozen=True)
class ParsedEmail:
    """A message reduced to what the pipeline needs, with notes of every repair made on the way."""

    message_id: str | None
    subject: str
    sender_name: str
    sender_address: str | None
    to: tuple[str, ...]
    date: datetime | None
    in_reply_to: str | None
    references: tuple[str, ...]
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    auto_submitted: bool
    defects: tuple[str, ...]
    # The top-level headers as written (unfolded), for the noise filters.
    headers: tuple[tuple[str, str], ...] = ()
    media_type: str = "text/plain"
    # The report-type parameter of a multipart/report ("delivery-status", "feedback-report").
    report_type: str = ""
    # Message-IDs of messages enclosed in this one (a bounce's or complaint's original).
    enclosed_message_ids: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """The first top-level header of that name (any case), or None when absent."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def documents(self) -> tuple[Attachment, ...]:
        """The attachments a person sent on purpose, without inline images and logos."""
        return tuple(attachment for attachment in self.attachments if not attachment.inline)


class MalformedEmail(Exception):
    """The input cannot be read as an email at all; `reason` says why, for the quarantine."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
