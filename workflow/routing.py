"""The routing decision: which unit answers a contact, with what priority, by when, and why.

Rich routing rules come later; this is the baseline every rule falls back to, and its trail states
each step in words so a supervisor can see why a contact landed where it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.business_time import business_calendar
from workflow.org_models import DeadlinePolicy, Organisation

HIGHEST_PRIORITY = 1


@dataclass(frozen=True)
class ContactFacts:
    """What the pipeline learnt about a contact, as far as routing needs it."""

    topic: str | None
    topic_score: float | None
    sentiment: str | None
    sentiment_score: float | None
    channel: str
    language: str | None
    received_at: datetime


@dataclass(frozen=True)
class RoutingDecision:
    unit: str
    topic: str | None
    priority: int
    deadline_at: datetime
    trail: tuple[str, ...]


def decide_route(facts: ContactFacts, org: Organisation) -> RoutingDecision:
    """Route by topic when it is known and confident enough, otherwise to triage."""
    if facts.received_at.tzinfo is None:
        raise ValueError(f"received_at must be timezone-aware, got {facts.received_at}")
    trail: list[str] = []
    distrust = _reason_to_distrust_topic(facts, org)
    topic = None if distrust else facts.topic
    if topic is None:
        unit_code, policy = org.triage_unit, org.triage_policy
        trail.append(f"{distrust} -> unit {unit_code}, priority {policy.priority}")
    else:
        unit_code, policy = org.topic(topic).unit, org.topic(topic).deadline
        trail.append(
            f"topic {topic!r} ({facts.topic_score:.2f}) -> unit {unit_code}, "
            f"priority {policy.priority}"
        )
    priority = _priority_after_sentiment(facts, policy.priority, trail)
    deadline_at = _deadline(facts.received_at, policy, org, unit_code, trail)
    return RoutingDecision(unit_code, topic, priority, deadline_at, tuple(trail))


def _reason_to_distrust_topic(facts: ContactFacts, org: Organisation) -> str | None:
    """Why the topic cannot be routed on, or None when it can."""
    threshold = org.min_topic_confidence
    if facts.topic is None:
        return "no topic"
    if org.find_topic(facts.topic) is None:
        return f"topic {facts.topic!r} is not a topic of the organisation"
    if facts.topic_score is None:
        return f"topic {facts.topic!r} has no confidence score"
    if facts.topic_score < threshold:
        return (
            f"topic {facts.topic!r} ({facts.topic_score:.2f}) is under the "
            f"confidence threshold {threshold:.2f}"
        )
    return None


def _priority_after_sentiment(facts: ContactFacts, priority: int, trail: list[str]) -> int:
    if facts.sentiment != "negative":
        return priority
    score = "" if facts.sentiment_score is None else f" ({facts.sentiment_score:.2f})"
    if priority <= HIGHEST_PRIORITY:
        trail.append(f"sentiment negative{score}: priority already {priority}, the highest")
        return priority
    trail.append(f"sentiment negative{score}: priority {priority} -> {priority - 1}")
    return priority - 1


def _deadline(
    received_at: datetime,
    policy: DeadlinePolicy,
    org: Organisation,
    unit_code: str,
    trail: list[str],
) -> datetime:
    calendar_code = org.unit(unit_code).calendar
    calendar = business_calendar(org.calendar(calendar_code))
    deadline_at = calendar.add_business_hours(received_at, policy.first_response_hours)
    trail.append(
        f"deadline {policy.first_response_hours:g} business hours in calendar {calendar_code} "
        f"-> {deadline_at:%Y-%m-%d %H:%M %Z}"
    )
    return deadline_at
