"""What a channel hands to the receiver, and what the receiver answers."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session


class Channel(enum.StrEnum):
    EMAIL = "email"
    SCAN = "scan"


@dataclass(frozen=True)
class SourceItem:
    channel: Channel
    source: str
    filename: str
    data: bytes
    received_at: datetime
    media_type: str = "application/octet-stream"
    # Bookkeeping that must commit together with the contact, or not at all (an IMAP ledger
    # row): called inside the receive transaction with the session and the contact's id, for a
    # new item and for a repeat alike.
    also_commit: Callable[[Session, int], None] | None = field(default=None, compare=False)
    # The channel's own way to recognise a repeat beyond identical bytes (a Message-ID seen
    # before a UIDVALIDITY change): the known contact's id, or None.
    recognise: Callable[[Session], int | None] | None = field(default=None, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def source_key(self) -> str:
        # Identical bytes are the same item, whichever folder they were dropped in.
        return f"{self.channel}:sha256:{self.sha256}"


class Outcome(enum.StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass(frozen=True)
class Received:
    """The receiver's answer for one item: stored as a new contact, a repeat, or refused."""

    outcome: Outcome
    source: str
    contact_id: int | None = None
    reason: str = ""
