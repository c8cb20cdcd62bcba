"""The routing decision: unit, priority and deadline from a contact's labels, and why."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflow.org import Organisation, Topic, load_organisation
from workflow.routing import ContactFacts, decide_route

REPO = Path(__file__).resolve().parents[1]
WARSAW = ZoneInfo("Europe/Warsaw")

# Monday 23 November 2026, 10:00 in Warsaw.
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=WARSAW)


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation(REPO / "samples" / "org")


def facts(**changes: object) -> ContactFacts:
    base = ContactFacts(
        topic="billing",
        topic_score=0.93,
        sentiment="neutral",
        sentiment_score=0.7,
        channel="email",
        language="pl",
        received_at=MONDAY_MORNING,
    )
    return replace(base, **changes)


def test_a_confident_topic_goes_to_its_unit_with_its_deadline(org: Organisation) -> None:
    decision = decide_route(facts(), org)
    assert (decision.unit, decision.topic, decision.priority) == ("billing", "billing", 3)
    # 16 business hours from Monday 10:00 in the office calendar: Wednesday 10:00.
    assert decision.deadline_at == datetime(2026, 11, 25, 10, 0, tzinfo=WARSAW)
    assert decision.trail == (
        "topic 'billing' (0.93) -> unit billing, priority 3",
        "deadline 16 business hours in calendar office -> 2026-11-25 10:00 CET",
    )


def test_negative_sentiment_raises_priority_by_one(org: Organisation) -> None:
    decision = decide_route(facts(sentiment="negative", sentiment_score=0.88), org)
    assert decision.priority == 2
    assert "sentiment negative (0.88): priority 3 -> 2" in decision.trail


def test_priority_never_rises_above_the_highest(org: Organisation) -> None:
    # A claim starts at priority 2; negative makes it 1 and that is as high as it goes.
    once = decide_route(facts(topic="claim", sentiment="negative"), org)
    assert once.priority == 1
    highest = replace(org, topics=tuple(replace_priority(t, 1) for t in org.topics))
    decision = decide_route(facts(topic="claim", sentiment="negative"), highest)
    assert decision.priority == 1
    assert "sentiment negative (0.70): priority already 1, the highest" in decision.trail


def replace_priority(topic: Topic, priority: int) -> Topic:
    return replace(topic, deadline=replace(topic.deadline, priority=priority))


@pytest.mark.parametrize("sentiment", ["neutral", "positive", None])
def test_other_sentiments_leave_priority_alone(org: Organisation, sentiment: str | None) -> None:
    assert decide_route(facts(sentiment=sentiment), org).priority == 3


def test_a_topic_under_the_threshold_goes_to_triage(org: Organisation) -> None:
    decision = decide_route(facts(topic_score=0.31), org)
    assert (decision.unit, decision.topic) == ("triage", None)
    assert decision.priority == org.triage_policy.priority
    assert decision.trail[0] == (
        "topic 'billing' (0.31) is under the confidence threshold 0.50 -> unit triage, priority 3"
    )
    # Triage works office hours: 4 business hours from Monday 10:00.
    assert decision.deadline_at == datetime(2026, 11, 23, 14, 0, tzinfo=WARSAW)


def test_a_score_exactly_at_the_threshold_is_trusted(org: Organisation) -> None:
    assert decide_route(facts(topic_score=org.min_topic_confidence), org).unit == "billing"


def test_the_models_own_topic_threshold_replaces_the_organisations(org: Organisation) -> None:
    # 0.93 clears the organisation's 0.50, but the model says billing needs 0.95 to be right.
    strict = decide_route(facts(topic_threshold=0.95), org)
    assert strict.unit == "triage"
    assert strict.trail[0].startswith(
        "topic 'billing' (0.93) is under the confidence threshold 0.95"
    )
    # And a model sure of billing at 0.40 routes a score the organisation would distrust.
    assert decide_route(facts(topic_score=0.42, topic_threshold=0.40), org).unit == "billing"


@pytest.mark.parametrize(
    ("topic", "score", "reason"),
    [
        (None, None, "no topic"),
        ("sales", 0.99, "topic 'sales' is not a topic of the organisation"),
        ("billing", None, "topic 'billing' has no confidence score"),
    ],
)
def test_missing_or_unknown_topics_go_to_triage(
    org: Organisation, topic: str | None, score: float | None, reason: str
) -> None:
    decision = decide_route(facts(topic=topic, topic_score=score), org)
    assert decision.unit == "triage"
    assert decision.trail[0].startswith(f"{reason} -> unit triage")


def test_the_deadline_follows_the_calendar_of_the_answering_unit(org: Organisation) -> None:
    # Technical support works the call-centre calendar, open on Saturday 09:00-14:00.
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=WARSAW)
    decision = decide_route(facts(topic="technical", received_at=friday_evening), org)
    assert decision.unit == "techsupport"
    # 8 h: 2 h on Friday evening, 5 h on Saturday, 1 h on Monday from 08:00.
    assert decision.deadline_at == datetime(2026, 11, 30, 9, 0, tzinfo=WARSAW)
    assert decision.trail[-1] == (
        "deadline 8 business hours in calendar callcentre -> 2026-11-30 09:00 CET"
    )


def test_a_contact_received_before_a_holiday_gets_its_deadline_after_it(
    org: Organisation,
) -> None:
    decision = decide_route(
        facts(topic="delivery", received_at=datetime(2026, 11, 10, 12, 0, tzinfo=WARSAW)), org
    )
    # 8 h: 4 h on Tuesday 10 November, 11 November is a holiday, 4 h on the 12th.
    assert decision.deadline_at == datetime(2026, 11, 12, 12, 0, tzinfo=WARSAW)


def test_a_naive_receive_time_is_refused(org: Organisation) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide_route(facts(received_at=datetime(2026, 11, 23, 10, 0)), org)


def test_workflow_parts_import_nothing_of_intake_ocr_or_classify() -> None:
    code = (
        "import sys\n"
        "import workflow.org, workflow.routing, workflow.blobs, workflow.business_time\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'intake', 'ocr', 'classify', 'spacy', 'cv2', 'pytesseract', 'imapclient'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
