"""Keyword rules skip the regular expression for ASCII texts that hold none of their words; the
outcome must be exactly the regular expression's, on real texts and on Unicode case folding."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from tests.test_rules_conditions import PLAIN, one_rule
from workflow.routing import decide_route
from workflow.rules_engine import match_reasons
from workflow.rules_models import Conditions, keyword_pattern

COMPLAINTS = (
    Path(__file__).resolve().parents[2] / "shared/data/text/cfpb_complaints_sample/train.csv"
)
KEYWORD_SETS = [
    ("prezes*", "zarząd*", "management board", "board of directors", "CEO"),
    ("UOKiK", "rzecznik* konsument*", "prawnik*", "lawyer*", "lawsuit", "legal action"),
    ("credit report*", "account"),
    ("bank*", "loan", "mortgage"),
]


def keyword_conditions(keywords: tuple[str, ...]) -> Conditions:
    return Conditions(keywords=keywords, keyword_pattern=keyword_pattern(keywords))


def test_keyword_rules_agree_with_the_regular_expression_on_real_complaints() -> None:
    if not COMPLAINTS.is_file():
        pytest.skip(f"{COMPLAINTS} is missing (shared reference data)")
    with COMPLAINTS.open(encoding="utf-8") as rows:
        texts = [row["text"] for row in csv.DictReader(rows)]
    found = 0
    for keywords in KEYWORD_SETS:
        conditions = keyword_conditions(keywords)
        assert conditions.keyword_pattern is not None
        for text in texts:
            match = conditions.keyword_pattern.search(text)
            expected = None if match is None else [f"keyword {match.group()!r}"]
            assert match_reasons(conditions, replace(PLAIN, text=text)) == expected
            found += match is not None
    assert found > 100  # the texts exercise both ways


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("kelvin", "measured in \u212aelvin"),  # KELVIN SIGN folds to "k": text not ASCII
        ("\u017ftop", "please stop the payments"),  # LONG S folds to "s": ASCII text
        ("zarząd*", "Do Zarządu spółki"),
    ],
)
def test_case_folding_beyond_ascii_still_finds_the_keyword(
    tmp_path: Path, keyword: str, text: str
) -> None:
    org = one_rule(tmp_path / "org", f'{{keywords: ["{keyword}"]}}')
    assert decide_route(replace(PLAIN, text=text), org).tags == ("probed",)


def test_an_ascii_text_without_the_words_does_not_match(tmp_path: Path) -> None:
    org = one_rule(tmp_path / "org", '{keywords: ["zarząd*", "CEO"]}')
    assert decide_route(replace(PLAIN, text="Dear Sir, my zarzad invoice"), org).tags == ()
    assert decide_route(replace(PLAIN, text="Dear ceo, my invoice"), org).tags == ("probed",)
