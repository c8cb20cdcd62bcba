"""Our own automatic mail coming back (a vacation reply to our acknowledgement, a forwarder):
an automatic message whose Message-ID or In-Reply-To is under one of our domains.

Answering it would start a loop of machines writing to each other.
"""

from __future__ import annotations

from intake.mail.filters.verdict import PERSON, FilterContext, Verdict
from intake.mail.models import ParsedEmail


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    if not mail.auto_submitted or not context.own_domains:
        return PERSON
    for header, message_id in (("Message-ID", mail.message_id), ("In-Reply-To", mail.in_reply_to)):
        if message_id and _domain(message_id) in context.own_domains:
            reason = f"automatic message with our {header} {message_id}"
            return Verdict("own-notification", "own_notification", reason)
    return PERSON


def _domain(message_id: str) -> str:
    return message_id.strip("<>").rpartition("@")[2].lower()
