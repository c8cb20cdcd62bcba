"""Delivery-status reports (RFC 3464 bounces): who could not be reached, and for which message.

A report is a `multipart/report; report-type=delivery-status` whose `message/delivery-status`
part holds one block of fields per message, then one block per recipient.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import HeaderParser

from intake.mail.filters.verdict import (
    PERSON,
    DeliveryReport,
    FilterContext,
    RecipientStatus,
    Verdict,
)
from intake.mail.models import ParsedEmail

STATUS_PART = "message/delivery-status"
_REPORT_TYPES = frozenset({"multipart/report", STATUS_PART})
_BLOCK_SEPARATOR = re.compile(r"\n[ \t]*\n")
_SPACES = re.compile(r"\s+")
_ADDRESS = re.compile(r"[^\s<>;\"]+@[^\s<>;\"]+")


def screen(mail: ParsedEmail, context: FilterContext) -> Verdict:
    if not is_delivery_report(mail):
        return PERSON
    recipients = tuple(
        recipient
        for attachment in mail.attachments
        if attachment.media_type == STATUS_PART
        for recipient in parse_delivery_status(attachment.data)
    )
    original = mail.enclosed_message_ids[0] if mail.enclosed_message_ids else None
    summary = ", ".join(f"{r.address} {r.action} {r.status}".strip() for r in recipients)
    return Verdict(
        "delivery-report",
        "delivery_report",
        f"delivery-status report: {summary or 'no recipient fields'}",
        DeliveryReport(original_message_id=original, recipients=recipients),
    )


def is_delivery_report(mail: ParsedEmail) -> bool:
    if mail.report_type == "delivery-status":
        return True
    has_status = any(a.media_type == STATUS_PART for a in mail.attachments)
    return has_status and mail.media_type in _REPORT_TYPES


def parse_delivery_status(data: bytes) -> tuple[RecipientStatus, ...]:
    """The per-recipient blocks of a message/delivery-status body; the per-message block and
    blocks without a recipient are skipped."""
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    found: list[RecipientStatus] = []
    for block in _BLOCK_SEPARATOR.split(text):
        fields = HeaderParser(policy=policy.compat32).parsestr(block.strip("\n") + "\n\n")
        address = _address(fields.get("Final-Recipient")) or _address(
            fields.get("Original-Recipient")
        )
        if address is None:
            continue
        found.append(
            RecipientStatus(
                address=address,
                action=_value(fields.get("Action")).lower(),
                status=_value(fields.get("Status")).split(" ")[0],
                diagnostic=_diagnostic(fields.get("Diagnostic-Code")),
            )
        )
    return tuple(found)


def _value(raw: object) -> str:
    return _SPACES.sub(" ", str(raw)).strip() if raw is not None else ""


def _address(raw: object) -> str | None:
    # "rfc822; user@example.com" (address type, then the address, sometimes in brackets).
    value = _value(raw)
    _, _, address = value.rpartition(";")
    match = _ADDRESS.search(address or value)
    return match.group().lower() if match else None


def _diagnostic(raw: object) -> str:
    # "smtp; 550 5.1.1 user unknown": the type is not for people.
    value = _value(raw)
    kind, separator, rest = value.partition(";")
    return rest.strip() if separator and " " not in kind.strip() else value
