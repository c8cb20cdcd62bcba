"""Read receipts (MDN, RFC 8098): a mail client saying that a message was displayed."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, Verdict
from intake.mail.models import ParsedEmail

NOTIFICATION_PART = "message/disposition-notification"


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    has_part = any(a.media_type == NOTIFICATION_PART for a in mail.attachments)
    if mail.report_type != "disposition-notification" and not (
        has_part and mail.media_type == "multipart/report"
    ):
        return PERSON
    return Verdict("read-receipt", "read_receipt", "message disposition notification")
