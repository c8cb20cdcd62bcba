"""Applying routing rules: does a rule match a contact (and why), and what does it change.

`match_reasons` answers the first question with the conditions that held, in words, for the
trail; `apply_actions` changes a `RouteDraft` and says what it changed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workflow.rules_models import Actions, Conditions, Rule, keyword_pattern

if TYPE_CHECKING:
    from workflow.routing import ContactFacts

HIGHEST_PRIORITY = 1


@dataclass
class RouteDraft:
    """The decision while rules are still changing it."""

    unit: str
    priority: int
    deadline: str | None = None
    tags: list[str] = field(default_factory=list)
    acknowledge: bool | None = None
    article: str | None = None
    rules: list[str] = field(default_factory=list)


def run_rules(
    rules: Sequence[Rule], facts: ContactFacts, draft: RouteDraft, trail: list[str]
) -> None:
    """Every rule in order: a match applies its actions and adds a line to the trail."""
    for rule in rules:
        reasons = match_reasons(rule.when, facts)
        if reasons is None:
            continue
        changes = apply_actions(rule.then, draft)
        draft.rules.append(rule.name)
        trail.append(f"rule {rule.name!r} matched ({', '.join(reasons)}): {'; '.join(changes)}")
        if rule.then.stop:
            break


def match_reasons(when: Conditions, facts: ContactFacts) -> list[str] | None:
    """The conditions that held, in words, or None as soon as one does not."""
    reasons: list[str] = []
    choices = (
        ("topic", when.topics, facts.topic),
        ("sentiment", when.sentiments, facts.sentiment),
        ("channel", when.channels, facts.channel),
        ("customer tier", when.tiers, facts.customer_tier),
        ("region", when.regions, facts.region),
        ("language", when.languages, facts.language),
        ("product", when.products, facts.product),
    )
    for name, wanted, value in choices:
        if wanted:
            if value not in wanted:
                return None
            reasons.append(f"{name} {value!r}")
    # Cheapest first: the keyword search reads the whole text, so it runs only when all else held.
    for reason in (
        _confidence_reason(when, facts.topic_score),
        _entity_reason(when, facts),
    ):
        if reason is None:
            return None
        if reason:
            reasons.append(reason)
    keyword = _keyword_reason(when, facts)
    if keyword is None:
        return None
    return [*reasons, keyword] if keyword else reasons


def _confidence_reason(when: Conditions, score: float | None) -> str | None:
    """'' when the rule sets no bound, None when the score is outside one (or unknown)."""
    if when.min_confidence is None and when.max_confidence is None:
        return ""
    if score is None:
        return None
    if when.min_confidence is not None and score < when.min_confidence:
        return None
    if when.max_confidence is not None and score > when.max_confidence:
        return None
    bounds = [f">= {when.min_confidence:.2f}" if when.min_confidence is not None else ""]
    bounds.append(f"<= {when.max_confidence:.2f}" if when.max_confidence is not None else "")
    return f"confidence {score:.2f} {' and '.join(b for b in bounds if b)}"


def _entity_reason(when: Conditions, facts: ContactFacts) -> str | None:
    if not when.entities:
        return ""
    for wanted in when.entities:
        for kind, value in facts.entities:
            if kind == wanted.kind and (
                wanted.value is None or wanted.value.lower() in value.lower()
            ):
                return f"entity {kind} {value!r}"
    return None


def _keyword_reason(when: Conditions, facts: ContactFacts) -> str | None:
    if when.keyword_pattern is None:
        return ""
    if not _may_match(when.keywords, when.keyword_pattern, facts.text):
        return None
    found = when.keyword_pattern.search(facts.text)
    return None if found is None else f"keyword {found.group()!r}"


def _may_match(keywords: tuple[str, ...], pattern: re.Pattern[str], text: str) -> bool:
    """False only when the keyword pattern cannot match: the text is ASCII and holds none of
    the keywords' first words (their literal part, in any case). The regular expression tries
    every position of the text (tens of microseconds on a long letter); most texts hold none
    of a rule's words, and two substring searches of the lowered text are far cheaper. Only
    ASCII text is judged: there, case-insensitive matching is ASCII lowering, whereas Unicode
    case folding lets e.g. "K" (the Kelvin sign) match "k"."""
    starts = _ascii_starts(keywords, pattern)
    if starts is None or not text.isascii():
        return True
    lowered = text.lower()
    return any(start in lowered for start in starts)


@functools.lru_cache(maxsize=256)
def _ascii_starts(keywords: tuple[str, ...], pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The lowered literal start of each keyword's first word ("prezes*" -> "prezes") that
    ASCII text can hold, or None when no exact prefilter can be made: the pattern is not the
    one built from `keywords`, or a keyword has a character that, ignoring case, matches an
    ASCII one it is not (the prefilter would miss it)."""
    if keyword_pattern(keywords) != pattern:
        return None
    starts: list[str] = []
    for keyword in keywords:
        first = keyword.split()[0]
        literal = first[:-1] if first.endswith("*") else first
        if literal.isascii():
            starts.append(literal.lower())
        elif any(_folds_to_ascii(char) for char in literal if not char.isascii()):
            return None
        # Otherwise the keyword has a letter no ASCII text can match: it is never found there.
    return tuple(starts)


@functools.lru_cache(maxsize=1024)
def _folds_to_ascii(char: str) -> bool:
    """Whether `char` matches some ASCII character when case is ignored (e.g. "ſ" and "s")."""
    matches = re.compile(re.escape(char), re.IGNORECASE).fullmatch
    return any(matches(chr(code)) for code in range(128))


def apply_actions(then: Actions, draft: RouteDraft) -> list[str]:
    """Change the draft as the actions say; each change in words (or 'no change')."""
    changes: list[str] = []
    if then.unit is not None and then.unit != draft.unit:
        changes.append(f"unit {draft.unit} -> {then.unit}")
        draft.unit = then.unit
    if then.priority is not None and then.priority != draft.priority:
        changes.append(f"priority {draft.priority} -> {then.priority}")
        draft.priority = then.priority
    if then.raise_priority:
        raised = max(HIGHEST_PRIORITY, draft.priority - then.raise_priority)
        changes.append(
            f"priority {draft.priority} -> {raised}"
            if raised != draft.priority
            else f"priority already {raised}, the highest"
        )
        draft.priority = raised
    if then.deadline is not None:
        changes.append(f"deadline policy {then.deadline}")
        draft.deadline = then.deadline
    new_tags = [t for t in then.tags if t not in draft.tags]
    if new_tags:
        draft.tags.extend(new_tags)
        changes.append("tags +" + ", +".join(new_tags))
    if then.acknowledge is not None:
        draft.acknowledge, draft.article = then.acknowledge, then.article
        changes.append(_acknowledgement_words(then))
    if then.stop:
        changes.append("stop")
    return changes or ["no change"]


def _acknowledgement_words(then: Actions) -> str:
    if not then.acknowledge:
        return "no acknowledgement"
    return f"acknowledge with article {then.article}" if then.article else "acknowledge"
