"""What a channel hands to the receiver, and what the receiver answers."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime


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
