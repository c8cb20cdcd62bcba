"""How a stage says that a contact can never succeed, as opposed to failing for now."""

from __future__ import annotations


class Unprocessable(Exception):
    """Input that no retry can fix (a corrupt scan, an unreadable email): quarantine at once."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
