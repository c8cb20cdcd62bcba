"""Abuse complaints (ARF, RFC 5965): a mailbox provider says a user marked our mail as spam."""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, Verdict
from intake.mail.models import ParsedEmail

REPORT_PART = "message/feedback-report"


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    has_report = any(a.media_type == REPORT_PART for a in mail.attachments)
    if mail.report_type != "feedback-report" and not (
        has_report and mail.media_type == "multipart/report"
    ):
        return PERSON
    original = mail.enclosed_message_ids[0] if mail.enclosed_message_ids else "unknown message"
    return Verdict("complaint", "feedback_report", f"abuse complaint about {original}")
