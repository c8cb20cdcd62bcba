"""The loop and noise guard: one rule per module, applied in the order of `FILTERS`.

The first rule that recognises a message decides; a message none recognises was written by a
person. A new rule is a new module and one line here.
"""

from __future__ import annotations

from intake.mail.filters import (
    auto_response_suppress,
    auto_submitted,
    delivery_report,
    feedback_report,
    list_id,
    mailer_daemon,
    own_notification,
    precedence,
    read_receipt,
    x_autoreply,
)
from intake.mail.filters.verdict import (
    PERSON,
    DeliveryReport,
    Filter,
    FilterContext,
    HeaderReader,
    RecipientStatus,
    Verdict,
)
from intake.mail.models import ParsedEmail

FILTERS: tuple[Filter, ...] = (
    # Reports first: they also carry Auto-Submitted, but say more (who bounced, for what).
    delivery_report.screen,
    feedback_report.screen,
    read_receipt.screen,
    mailer_daemon.screen,
    own_notification.screen,
    auto_submitted.screen,
    x_autoreply.screen,
    auto_response_suppress.screen,
    precedence.screen,
    list_id.screen,
)

# The header rules that make a message "automatic" (ParsedEmail.auto_submitted).
MACHINE_HEADER_RULES = (
    auto_submitted.matches,
    x_autoreply.matches,
    auto_response_suppress.matches,
    precedence.matches,
    list_id.matches,
)


def screen(mail: ParsedEmail, context: FilterContext | None = None) -> Verdict:
    """The verdict of the first filter that recognises the message, else `PERSON`."""
    context = context or FilterContext()
    for rule in FILTERS:
        verdict = rule(mail, context)
        if verdict.is_noise:
            return verdict
    return PERSON


def has_machine_headers(header: HeaderReader) -> bool:
    return any(rule(header) for rule in MACHINE_HEADER_RULES)


__all__ = [
    "FILTERS",
    "PERSON",
    "DeliveryReport",
    "FilterContext",
    "RecipientStatus",
    "Verdict",
    "has_machine_headers",
    "screen",
]
