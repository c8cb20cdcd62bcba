"""Routing rules as frozen values: what a rule looks at (`Conditions`) and what it does (`Actions`).

A rule matches when every condition it states holds; a condition that lists several values
holds when any of them does. `rules.yaml` is read into these by `workflow.rules_loader`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTIMENTS = ("negative", "neutral", "positive")
CHANNELS = ("email", "scan")


@dataclass(frozen=True)
class EntityWanted:
    """An entity of `kind` in the contact, with a value containing `value` when one is given."""

    kind: str
    value: str | None = None

    def __str__(self) -> str:
        return self.kind if self.value is None else f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class Conditions:
    topics: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    # Bounds on the topic's confidence score, both included.
    min_confidence: float | None = None
    max_confidence: float | None = None
    channels: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    entities: tuple[EntityWanted, ...] = ()
    keywords: tuple[str, ...] = ()
    # The keywords compiled once: whole words, any case, "prezes*" for any ending.
    keyword_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Actions:
    unit: str | None = None
    priority: int | None = None
    # Levels to raise the priority by (1 makes 3 into 2); applied after `priority`.
    raise_priority: int = 0
    deadline: str | None = None
    tags: tuple[str, ...] = ()
    acknowledge: bool | None = None
    article: str | None = None
    stop: bool = False


@dataclass(frozen=True)
class Rule:
    name: str
    when: Conditions
    then: Actions
    line: int | None = None


def keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all keywords: whole words or phrases, case-insensitive; a trailing '*'
    allows any ending, which Polish needs ("prezes*" finds "prezesa" and "prezesie")."""
    if not keywords:
        return None
    alternatives = [r"\s+".join(_word(w) for w in keyword.split()) for keyword in keywords]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _word(word: str) -> str:
    return re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word)
