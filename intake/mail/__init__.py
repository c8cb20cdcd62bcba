"""MIME parsing for the email channel: raw messages to `ParsedEmail` values."""

from intake.mail.html_text import html_to_text
from intake.mail.models import Attachment, MalformedEmail, ParsedEmail
from intake.mail.parse import DEFAULT_MAX_BYTES, parse_email

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Attachment",
    "MalformedEmail",
    "ParsedEmail",
    "html_to_text",
    "parse_email",
]
