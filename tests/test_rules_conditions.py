"""Each condition of a routing rule: it matches the contacts it names, only those, and says why."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.test_org_validation import problems_of
from workflow.org import Organisation, load_organisation
from workflow.routing import ContactFacts, decide_route

DEMO_ORG = Path(__file__).resolve().parents[1] / "samples" / "org"
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))

PLAIN = ContactFacts(
    topic="billing",
    topic_score=0.93,
    sentiment="neutral",
    sentiment_score=0.7,
    channel="email",
    language="pl",
    received_at=MONDAY_MORNING,
)


def org_with_rules(folder: Path, rules: str) -> Organisation:
    shutil.copytree(DEMO_ORG, folder, dirs_exist_ok=True)
    (folder / "rules.yaml").write_text(f"rules:\n{rules}", encoding="utf-8")
    return load_organisation(folder)


def one_rule(folder: Path, when: str) -> Organisation:
    return org_with_rules(
        folder, f"  - name: probe\n    when: {when}\n    then: {{tags: [probed]}}\n"
    )


CASES = [
    ("{topic: [claim, billing]}", {}, {"topic": "delivery"}, "topic 'billing'"),
    ("{sentiment: negative}", {"sentiment": "negative"}, {}, "sentiment 'negative'"),
    ("{min_confidence: 0.9}", {}, {"topic_score": 0.89}, "confidence 0.93 >= 0.90"),
    ("{max_confidence: 0.6}", {"topic_score": 0.55}, {}, "confidence 0.55 <= 0.60"),
    ("{channel: scan}", {"channel": "scan"}, {}, "channel 'scan'"),
    (
        "{tier: [vip, gold]}",
        {"customer_tier": "gold"},
        {"customer_tier": "standard"},
        "tier 'gold'",
    ),
    ("{region: krakow}", {"postcode": "31-019"}, {"postcode": "02-495"}, "region 'krakow'"),
    ("{language: en}", {"language": "en"}, {}, "language 'en'"),
    ("{product: [tv, soundbar]}", {"product": "tv"}, {"product": "router"}, "product 'tv'"),
    (
        "{entities: [iban]}",
        {"entities": (("iban", "PL61109010140000071219812874"),)},
        {"entities": (("phone", "+48 601 234 567"),)},
        "entity iban 'PL61109010140000071219812874'",
    ),
    (
        '{entities: ["amount:PLN"]}',
        {"entities": (("amount", "1849.00 PLN"),)},
        {"entities": (("amount", "20.00 EUR"),)},
        "entity amount '1849.00 PLN'",
    ),
    (
        '{keywords: ["prezes*", "management board"]}',
        {"text": "Szanowny Panie Prezesie, piszę w sprawie faktury."},
        {"text": "Piszę do działu reklamacji w sprawie faktury."},
        "keyword 'Prezesie'",
    ),
    (
        '{keywords: ["management board"]}',
        {"text": "A letter to the Management\n Board about my invoice"},
        {"text": "the board of management"},
        "keyword 'Management\\n Board'",
    ),
]


@pytest.mark.parametrize(("when", "matching", "other", "reason"), CASES)
def test_a_condition_matches_only_the_contacts_it_names(
    tmp_path: Path, when: str, matching: dict[str, object], other: dict[str, object], reason: str
) -> None:
    org = one_rule(tmp_path / "org", when)
    hit = decide_route(replace(PLAIN, **matching), org)
    assert hit.tags == ("probed",) and hit.rules == ("probe",)
    line = next(step for step in hit.trail if step.startswith("rule 'probe'"))
    assert reason in line
    miss = decide_route(replace(PLAIN, **other), org)
    assert miss.tags == () and not any("probe" in step for step in miss.trail)


def test_all_conditions_of_a_rule_must_hold(tmp_path: Path) -> None:
    org = one_rule(tmp_path / "org", "{topic: claim, sentiment: negative, region: warsaw}")
    angry_warsaw_claim = replace(PLAIN, topic="claim", sentiment="negative", postcode="00-950")
    assert decide_route(angry_warsaw_claim, org).tags == ("probed",)
    for change in ({"sentiment": "neutral"}, {"postcode": "31-019"}, {"topic": "billing"}):
        assert decide_route(replace(angry_warsaw_claim, **change), org).tags == ()


def test_a_confidence_bound_never_matches_a_contact_without_a_score(tmp_path: Path) -> None:
    org = one_rule(tmp_path / "org", "{max_confidence: 0.6}")
    assert decide_route(replace(PLAIN, topic_score=None), org).tags == ()


def test_keywords_are_whole_words(tmp_path: Path) -> None:
    org = one_rule(tmp_path / "org", "{keywords: [CEO]}")
    assert decide_route(replace(PLAIN, text="Dear CEO,"), org).tags == ("probed",)
    assert decide_route(replace(PLAIN, text="CEOs and CEOS"), org).tags == ()


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("{sentiment: furious}", "rules[0].when.sentiment: 'furious' is not one of: negative"),
        ("{channel: [email, fax]}", "rules[0].when.channel[1]: 'fax' is not one of: email, scan"),
        ("{topik: claim}", "rules[0].when.topik: unknown key 'topik' (did you mean 'topic'?"),
        ("{region: gdansk}", "rules[0].when.region: unknown region 'gdansk'"),
        ("{product: [tv, radio]}", "rules[0].when.product[1]: unknown product 'radio'"),
        ("{min_confidence: 1.5}", "rules[0].when.min_confidence: 1.5 is out of range (0..1)"),
        ("{}", "rules[0].when: a rule needs at least one condition"),
    ],
)
def test_a_wrong_condition_is_refused_with_its_line(
    tmp_path: Path, when: str, message: str
) -> None:
    folder = tmp_path / "org"
    shutil.copytree(DEMO_ORG, folder)
    rules = f"rules:\n  - name: probe\n    when: {when}\n    then: {{tags: [probed]}}\n"
    (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    problems = problems_of(folder)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{folder / 'rules.yaml'}, line 3: ")
    assert message in problems[0]
