"""What a noise filter says about a message, and what it is told about us."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from intake.mail.models import ParsedEmail

HeaderReader = Callable[[str], str | None]
_FIRST_WORD = re.compile(r"[^\s;(]+")


@dataclass(frozen=True)
class RecipientStatus:
    """One recipient of a delivery-status report (RFC 3464)."""

    address: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # e.g. "5.1.1"
    diagnostic: str

    @property
    def failed(self) -> bool:
        return self.action == "failed"


@dataclass(frozen=True)
class DeliveryReport:
    original_message_id: str | None
    recipients: tuple[RecipientStatus, ...]


@dataclass(frozen=True)
class Verdict:
    """`noise` is None for a message a person wrote, else what it is ("auto-reply", ...)."""

    noise: str | None
    rule: str = ""
    reason: str = ""
    delivery: DeliveryReport | None = None

    @property
    def is_noise(self) -> bool:
        return self.noise is not None


PERSON = Verdict(noise=None)


@dataclass(frozen=True)
class FilterContext:
    """What the filters need to know about us: the domains of the Message-IDs we write."""

    own_domains: frozenset[str] = frozenset()


Filter = Callable[[ParsedEmail, FilterContext], Verdict]


def first_word(value: str | None) -> str:
    """The first token of a header value, lower case ("auto-replied" of "auto-replied; x")."""
    match = _FIRST_WORD.search(value or "")
    return match.group().lower() if match else ""
