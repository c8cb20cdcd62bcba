"""The demo organisation in samples/org loads and says what the project agreed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.org import Organisation, load_organisation

DEMO_ORG = Path(__file__).resolve().parents[1] / "samples" / "org"

TOPIC_UNITS = {
    "billing": "billing",
    "claim": "claims",
    "delivery": "deliveries",
    "complaint": "complaints",
    "technical": "techsupport",
    "loyalty": "loyalty",
}


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation(DEMO_ORG)


def test_demo_organisation_loads_with_its_settings(org: Organisation) -> None:
    assert org.name == "Vistula Home Electronics"
    assert org.timezone == "Europe/Warsaw"
    assert set(org.languages) == {"en", "pl"}
    assert org.unit(org.triage_unit).kind == "triage"
    assert org.unit(org.callback_unit).kind == "callcentre"
    assert 0 < org.min_topic_confidence < 1
    assert org.calendar(org.default_calendar).holidays_country == "PL"


def test_each_topic_is_answered_by_the_agreed_line_unit(org: Organisation) -> None:
    assert {t.code: t.unit for t in org.topics} == TOPIC_UNITS
    for topic in org.topics:
        unit = org.unit(topic.unit)
        assert unit.kind == "line"
        assert topic.code in unit.topics
        assert 1 <= topic.deadline.priority <= 5
        assert topic.deadline.first_response_hours > 0


def test_every_unit_kind_is_present_and_every_unit_has_agents(org: Organisation) -> None:
    kinds = {u.code: u.kind for u in org.units}
    assert {kinds[code] for code in ("callcentre", "triage", "mailroom")} == {
        "callcentre",
        "triage",
        "mailroom",
    }
    for unit in org.units:
        assert org.agents_of(unit.code), f"unit {unit.code} has no agents"


def test_office_calendar_is_open_weekdays_eight_to_four(org: Organisation) -> None:
    office = org.calendar("office")
    assert sorted({i.weekday for i in office.hours}) == [0, 1, 2, 3, 4]
    assert {(i.opens.isoformat(), i.closes.isoformat()) for i in office.hours} == {
        ("08:00:00", "16:00:00")
    }


def test_knowledge_base_covers_every_topic_in_both_languages(org: Organisation) -> None:
    assert len(org.articles) >= 6
    assert {a.language for a in org.articles} == {"en", "pl"}
    covered = {topic for a in org.articles for topic in a.topics}
    assert covered == set(TOPIC_UNITS)
    for article in org.articles:
        assert article.body.startswith("# "), article.source
        assert len(article.body) > 300, f"{article.source} is too short to help anyone"
        assert article.keywords


def test_articles_are_found_by_topic_and_language(org: Organisation) -> None:
    polish_claims = org.articles_for("claim", "pl")
    assert [a.id for a in polish_claims] == ["kb-claim-reklamacja-pl"]
    assert "reklamacja" in polish_claims[0].keywords


def test_asking_for_an_unknown_unit_names_the_known_ones(org: Organisation) -> None:
    with pytest.raises(KeyError, match="unknown unit 'sales' \\(known: billing, claims"):
        org.unit("sales")
