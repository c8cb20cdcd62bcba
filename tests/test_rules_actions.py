"""What rules do: unit, priority, deadline policy, tags, acknowledgement, stop; regional and
product specialists; and the trail that says which rules matched and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.test_rules_conditions import PLAIN, org_with_rules
from workflow.org import Organisation, load_organisation
from workflow.routing import decide_route

DEMO_ORG = Path(__file__).resolve().parents[1] / "samples" / "org"
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(scope="module")
def demo() -> Organisation:
    return load_organisation(DEMO_ORG)


def test_a_letter_to_the_board_goes_to_complaints_first_without_a_form_reply(
    demo: Organisation,
) -> None:
    letter = replace(
        PLAIN, channel="scan", text="Szanowny Panie Prezesie,\nod miesiąca czekam na fakturę."
    )
    decision = decide_route(letter, demo)
    assert (decision.unit, decision.priority) == ("complaints", 1)
    assert decision.tags == ("management",)
    assert decision.acknowledge is False
    assert (
        "rule 'letters-to-management' matched (keyword 'Prezesie'): unit billing -> complaints; "
        "priority 3 -> 1; tags +management; no acknowledgement"
    ) in decision.trail
    # Priority 1 brings the urgent deadline policy: 4 business hours.
    assert decision.deadline_policy == "urgent"
    assert decision.deadline_at == datetime(2026, 11, 23, 14, 0, tzinfo=WARSAW)


def test_a_vip_customer_is_raised_one_level_with_the_vip_deadline(demo: Organisation) -> None:
    decision = decide_route(replace(PLAIN, customer_tier="vip"), demo)
    assert (decision.priority, decision.tags, decision.deadline_policy) == (2, ("vip",), "vip")
    # The vip policy: 2 business hours to answer, 24 to resolve (three office days).
    assert decision.deadline_at == datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW)
    assert decision.resolution_at == datetime(2026, 11, 26, 10, 0, tzinfo=WARSAW)
    assert decision.trail[-2:] == (
        "deadline 2 business hours (policy vip) in calendar office -> 2026-11-23 12:00 CET",
        "resolution 24 business hours -> 2026-11-26 10:00 CET",
    )


def test_an_angry_vip_with_a_legal_threat_reaches_the_highest_priority_and_no_further(
    demo: Organisation,
) -> None:
    facts = replace(
        PLAIN, sentiment="negative", customer_tier="vip", text="Sprawę przekażę do UOKiK."
    )
    decision = decide_route(facts, demo)
    assert decision.priority == 1
    assert decision.rules == ("legal-threat", "vip-customers")
    assert "sentiment negative (0.70): priority 3 -> 2" in decision.trail
    assert any(
        s.endswith("priority already 1, the highest; deadline policy vip; tags +vip")
        for s in decision.trail
    )


def test_a_delivery_from_a_warsaw_postcode_goes_to_the_regional_unit(demo: Organisation) -> None:
    decision = decide_route(replace(PLAIN, topic="delivery", postcode="02-495"), demo)
    assert (decision.unit, decision.region) == ("deliveries-warsaw", "warsaw")
    assert decision.trail[:3] == (
        "topic 'delivery' (0.93) -> unit deliveries, priority 2",
        "postcode 02-495 -> region warsaw",
        "region 'warsaw' -> regional unit deliveries-warsaw",
    )
    elsewhere = decide_route(replace(PLAIN, topic="delivery", postcode="80-001"), demo)
    assert (elsewhere.unit, elsewhere.region) == ("deliveries", None)


def test_a_claim_on_a_fridge_goes_to_the_large_appliance_specialists(demo: Organisation) -> None:
    decision = decide_route(replace(PLAIN, topic="claim", product="fridge"), demo)
    assert decision.unit == "claims-large"
    assert "product 'fridge' -> line unit claims-large" in decision.trail
    assert decide_route(replace(PLAIN, topic="claim", product="tv"), demo).unit == "claims"


def test_a_claim_gets_the_statutory_resolution_deadline_across_a_holiday(
    demo: Organisation,
) -> None:
    # Friday 6 November 2026, 12:00; Wednesday 11 November is Independence Day.
    friday = datetime(2026, 11, 6, 12, 0, tzinfo=WARSAW)
    decision = decide_route(replace(PLAIN, topic="claim", received_at=friday), demo)
    assert decision.deadline_policy == "claim-statutory"
    # 24 h: 4 h Friday, 8 h Monday, 8 h Tuesday, (holiday), 4 h Thursday 12th.
    assert decision.deadline_at == datetime(2026, 11, 12, 12, 0, tzinfo=WARSAW)
    # 80 h = 10 business days: the 4 h left after Friday 20th fall on Monday 23rd (11th skipped).
    assert decision.resolution_at == datetime(2026, 11, 23, 12, 0, tzinfo=WARSAW)


def test_an_unsure_complaint_goes_to_triage_by_rule(demo: Organisation) -> None:
    decision = decide_route(replace(PLAIN, topic="complaint", topic_score=0.6), demo)
    assert (decision.unit, decision.tags) == ("triage", ("unsure",))


def test_an_english_router_question_is_acknowledged_with_the_router_article(
    demo: Organisation,
) -> None:
    facts = replace(PLAIN, topic="technical", product="router", language="en")
    decision = decide_route(facts, demo)
    assert (decision.acknowledge, decision.kb_article) == (True, "kb-technical-router-en")
    assert decide_route(replace(facts, language="pl"), demo).kb_article is None


def test_stop_ends_the_rules_and_later_rules_see_what_earlier_ones_set(tmp_path: Path) -> None:
    org = org_with_rules(
        tmp_path / "org",
        "  - {name: first, when: {topic: billing}, then: {priority: 5, tags: [a]}}\n"
        "  - {name: second, when: {topic: billing}, then: {unit: loyalty, stop: true}}\n"
        "  - {name: third, when: {topic: billing}, then: {tags: [never]}}\n",
    )
    decision = decide_route(PLAIN, org)
    assert (decision.unit, decision.priority, decision.tags) == ("loyalty", 5, ("a",))
    assert decision.rules == ("first", "second")
    assert decision.trail[1:3] == (
        "rule 'first' matched (topic 'billing'): priority 3 -> 5; tags +a",
        "rule 'second' matched (topic 'billing'): unit billing -> loyalty; stop",
    )
    # The deadline is counted in the calendar of the unit the rules chose.
    assert decision.trail[-1].startswith("deadline 16 business hours in calendar office")


def test_a_rule_that_changes_nothing_still_says_it_matched(tmp_path: Path) -> None:
    org = org_with_rules(
        tmp_path / "org", "  - {name: same, when: {topic: billing}, then: {unit: billing}}\n"
    )
    assert "rule 'same' matched (topic 'billing'): no change" in decide_route(PLAIN, org).trail


def test_a_rule_naming_an_unknown_unit_article_or_policy_is_refused(tmp_path: Path) -> None:
    from tests.test_org_validation import problems_of

    folder = tmp_path / "org"
    org_with_rules(folder, "  - {name: ok, when: {topic: billing}, then: {tags: [x]}}\n")
    (folder / "rules.yaml").write_text(
        "rules:\n"
        "  - {name: a, when: {topic: billing}, then: {unit: sales}}\n"
        "  - {name: b, when: {topic: billing}, then: {acknowledge: {article: kb-none}}}\n"
        "  - {name: c, when: {topic: billing}, then: {deadline: gold}}\n"
        "  - {name: a, when: {topic: billing}, then: {stop: maybe}}\n",
        encoding="utf-8",
    )
    problems = [p.split(": ", 1)[1] for p in problems_of(folder)]
    assert problems == [
        "rules[0].then.unit: unknown unit 'sales' (known: billing, claims, deliveries, "
        "complaints, techsupport, loyalty, callcentre, triage, mailroom, deliveries-warsaw, "
        "claims-large)",
        "rules[1].then.acknowledge.article: unknown article 'kb-none' (known: "
        "kb-billing-invoice-en, kb-billing-faktura-pl, kb-loyalty-points-en, "
        "kb-loyalty-punkty-pl, kb-claim-reklamacja-pl, kb-technical-router-en, "
        "kb-complaint-skarga-pl, kb-delivery-track-en, kb-delivery-track-pl, "
        "kb-claim-warranty-en)",
        "rules[2].then.deadline: unknown deadline policy 'gold' (known: claim-statutory, "
        "urgent, vip)",
        "rules[3].name: duplicate rule 'a' (first at rules.yaml line 2)",
        "rules[3].then.stop: expected true or false",
    ]
