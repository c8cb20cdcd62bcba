"""The routing decision: which unit answers a contact, with what priority, by when, and why.

The topic chooses a unit (or triage, when it is unsure); a regional or product specialist takes
its part of a topic; negative sentiment raises the priority; then the organisation's rules
(`rules.yaml`) change unit, priority, deadline policy, tags and acknowledgement. The trail states
each step in words so a supervisor can see why a contact landed where it did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from workflow.business_time import business_calendar
from workflow.org_models import DeadlinePolicy, Organisation, Unit
from workflow.rules_engine import RouteDraft, run_rules

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
    # The classifier's own threshold for this topic (chosen for a target precision); when
    # given, it replaces the organisation's single `min_topic_confidence`.
    topic_threshold: float | None = None
    customer_tier: str | None = None
    postcode: str | None = None
    # A region known already (e.g. from a form); otherwise it is found from the postcode.
    region: str | None = None
    product: str | None = None
    # (kind, value) of the entities found in the text, e.g. ("iban", "PL61...").
    entities: tuple[tuple[str, str], ...] = ()
    # Subject and body, for keyword rules.
    text: str = ""


@dataclass(frozen=True)
class RoutingDecision:
    unit: str
    topic: str | None
    priority: int
    deadline_at: datetime
    trail: tuple[str, ...]
    tags: tuple[str, ...] = ()
    region: str | None = None
    product: str | None = None
    resolution_at: datetime | None = None
    deadline_policy: str | None = None
    # Set by a rule: False sends no acknowledgement, True with `kb_article` names the article.
    acknowledge: bool | None = None
    kb_article: str | None = None
    rules: tuple[str, ...] = ()


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
    region = _region(facts, org, trail)
    if topic is not None:
        unit_code = _specialist(org, topic, region, facts.product, unit_code, trail)
    priority = _priority_after_sentiment(facts, policy.priority, trail)
    draft = RouteDraft(unit_code, priority)
    run_rules(org.rules, replace(facts, region=region), draft, trail)
    policy, policy_code = _service_level(org, topic, draft, policy)
    deadline_at = _deadline(facts.received_at, policy, org, draft.unit, trail, policy_code)
    resolution_at = _resolution(facts.received_at, policy, org, draft.unit, trail)
    return RoutingDecision(
        draft.unit,
        topic,
        draft.priority,
        deadline_at,
        tuple(trail),
        tags=tuple(draft.tags),
        region=region,
        product=facts.product,
        resolution_at=resolution_at,
        deadline_policy=policy_code,
        acknowledge=draft.acknowledge,
        kb_article=draft.article,
        rules=tuple(draft.rules),
    )


def _region(facts: ContactFacts, org: Organisation, trail: list[str]) -> str | None:
    if facts.region is not None:
        return facts.region
    region = org.region_of(facts.postcode)
    if region is not None:
        trail.append(f"postcode {facts.postcode} -> region {region.code}")
    return region.code if region else None


def _specialist(
    org: Organisation,
    topic: str,
    region: str | None,
    product: str | None,
    unit_code: str,
    trail: list[str],
) -> str:
    """The first unit that answers the topic only in its regions or for its products, when the
    contact is from one of them (or about one of them); else the topic's own unit."""
    for unit in org.units:
        if unit.code != unit_code and topic in unit.topics and _narrowed_to(unit, region, product):
            what = [f"region {region!r}"] * bool(unit.regions) + [f"product {product!r}"] * bool(
                unit.products
            )
            trail.append(f"{' and '.join(what)} -> {unit.kind} unit {unit.code}")
            return unit.code
    return unit_code


def _narrowed_to(unit: Unit, region: str | None, product: str | None) -> bool:
    if not (unit.regions or unit.products):
        return False
    in_region = not unit.regions or region in unit.regions
    on_product = not unit.products or product in unit.products
    return in_region and on_product


def _service_level(
    org: Organisation, topic: str | None, draft: RouteDraft, base: DeadlinePolicy
) -> tuple[DeadlinePolicy, str | None]:
    """The rule's deadline policy, else the most specific one for the topic and priority,
    else the topic's (or triage's) own first-response hours."""
    level = (
        org.service_level(draft.deadline)
        if draft.deadline is not None
        else org.service_level_for(topic, draft.priority)
    )
    if level is None:
        return base, None
    policy = DeadlinePolicy(level.first_response_hours, draft.priority, level.resolution_hours)
    return policy, level.code


def _reason_to_distrust_topic(facts: ContactFacts, org: Organisation) -> str | None:
    """Why the topic cannot be routed on, or None when it can."""
    threshold = org.min_topic_confidence
    if facts.topic_threshold is not None:
        threshold = facts.topic_threshold
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
    policy_code: str | None = None,
) -> datetime:
    calendar_code = org.unit(unit_code).calendar
    calendar = business_calendar(org.calendar(calendar_code))
    deadline_at = calendar.add_business_hours(received_at, policy.first_response_hours)
    named = f" (policy {policy_code})" if policy_code else ""
    trail.append(
        f"deadline {policy.first_response_hours:g} business hours{named} in calendar "
        f"{calendar_code} -> {deadline_at:%Y-%m-%d %H:%M %Z}"
    )
    return deadline_at


def _resolution(
    received_at: datetime,
    policy: DeadlinePolicy,
    org: Organisation,
    unit_code: str,
    trail: list[str],
) -> datetime | None:
    if policy.resolution_hours is None:
        return None
    calendar = business_calendar(org.calendar(org.unit(unit_code).calendar))
    resolution_at = calendar.add_business_hours(received_at, policy.resolution_hours)
    trail.append(
        f"resolution {policy.resolution_hours:g} business hours -> "
        f"{resolution_at:%Y-%m-%d %H:%M %Z}"
    )
    return resolution_at
