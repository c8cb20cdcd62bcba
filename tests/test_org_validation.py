"""A malformed organisation folder is refused with precise errors: file, line, key path, problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workflow.org import OrgError, load_organisation

DEMO_ORG = Path(__file__).resolve().parents[1] / "samples" / "org"


@pytest.fixture
def org_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "org"
    shutil.copytree(DEMO_ORG, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> int:
    """Replace the single occurrence of `old` in a file; return the 1-based line it started on."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(OrgError) as caught:
        load_organisation(folder)
    assert str(caught.value).count("\n") == len(caught.value.problems)
    return [str(p) for p in caught.value.problems]


def test_a_misspelt_key_is_reported_with_its_line_and_a_suggestion(org_dir: Path) -> None:
    line = edit(
        org_dir,
        "units.yaml",
        "    calendar: callcentre\n    email: support@",
        "    calender: callcentre\n    email: support@",
    )
    assert problems_of(org_dir) == [
        f"{org_dir / 'units.yaml'}, line {line - 3}: units[4].calendar: required key is missing",
        f"{org_dir / 'units.yaml'}, line {line}: units[4].calender: unknown key 'calender' "
        "(did you mean 'calendar'? allowed: code, name, kind, calendar, email, topics, products, "
        "regions, backup)",
    ]


def test_a_wrong_type_names_the_expected_and_the_found_type(org_dir: Path) -> None:
    line = edit(
        org_dir,
        "topics.yaml",
        "first_response_hours: 8\n    priority: 3",
        "first_response_hours: 8\n    priority: high",
    )
    assert problems_of(org_dir) == [
        f"{org_dir / 'topics.yaml'}, line {line + 1}: topics[4].priority: "
        "expected an integer, got a string ('high')"
    ]


def test_a_dangling_calendar_reference_lists_the_known_calendars(org_dir: Path) -> None:
    line = edit(
        org_dir,
        "units.yaml",
        "calendar: office\n    email: complaints@",
        "calendar: weekdays2\n    email: complaints@",
    )
    assert problems_of(org_dir) == [
        f"{org_dir / 'units.yaml'}, line {line}: units[3].calendar: unknown calendar 'weekdays2' "
        "(known: office, callcentre, mailroom)"
    ]


def test_an_impossible_time_is_refused(org_dir: Path) -> None:
    line = edit(org_dir, "calendars.yaml", '"08:00-16:00"', '"08:00-25:00"')
    assert problems_of(org_dir) == [
        f"{org_dir / 'calendars.yaml'}, line {line}: calendars[0].hours.mon-fri: "
        "invalid time '25:00' in '08:00-25:00' (00:00..23:59)"
    ]


def test_closing_before_opening_and_unknown_weekdays_are_refused(org_dir: Path) -> None:
    edit(org_dir, "calendars.yaml", '"08:00-16:00"', '"16:00-08:00"')
    edit(org_dir, "calendars.yaml", 'sat: "09:00-14:00"', 'saturday: "09:00-14:00"')
    problems = problems_of(org_dir)
    assert len(problems) == 2
    assert "calendars[0].hours.mon-fri: closing time must be after opening time" in problems[0]
    assert "calendars[1].hours.saturday: unknown weekday 'saturday'" in problems[1]


def test_every_problem_in_every_file_is_reported_at_once(org_dir: Path) -> None:
    edit(org_dir, "organisation.yaml", "min_topic_confidence: 0.5", "min_topic_confidence: 1.5")
    edit(org_dir, "topics.yaml", "unit: deliveries", "unit: delivery-team")
    edit(org_dir, "agents.yaml", "units: [deliveries], email: jan", "units: [shipping], email: jan")
    edit(org_dir, "kb/skarga-pl.md", "topics: [complaint]", "topics: [complaints]")
    problems = problems_of(org_dir)
    assert len(problems) == 4
    assert (
        "organisation.yaml, line 11: min_topic_confidence: 1.5 is out of range (0..1)"
        in problems[0]
    )
    assert "topics.yaml" in problems[1]
    assert "topics[2].unit: unknown unit 'delivery-team'" in problems[1]
    assert "agents[5].units[0]: unknown unit 'shipping'" in problems[2]
    assert problems[3].endswith(
        "skarga-pl.md, line 5: topics[0]: unknown topic 'complaints' "
        "(known: billing, claim, delivery, complaint, technical, loyalty)"
    )


def test_a_duplicate_unit_code_points_at_the_first_one(org_dir: Path) -> None:
    first = edit(org_dir, "units.yaml", "  - code: loyalty\n", "  - code: loyalty\n")
    line = edit(
        org_dir,
        "units.yaml",
        "  - code: mailroom\n    name: Mailroom and scanning\n    kind: mailroom",
        "  - code: loyalty\n    name: Mailroom and scanning\n    kind: mailroom",
    )
    problems = problems_of(org_dir)
    assert problems[0] == (
        f"{org_dir / 'units.yaml'}, line {line}: units[8].code: duplicate unit 'loyalty' "
        f"(first at units.yaml line {first})"
    )


def test_a_topic_routed_to_a_unit_that_does_not_handle_it_is_refused(org_dir: Path) -> None:
    line = edit(org_dir, "topics.yaml", "unit: claims", "unit: billing")
    units_line = edit(org_dir, "units.yaml", "topics: [claim]", "topics: [claim]")
    assert problems_of(org_dir) == [
        f"{org_dir / 'units.yaml'}, line {units_line}: units[1].topics: "
        "topic 'claim' is routed to unit 'billing' in topics.yaml",
        f"{org_dir / 'topics.yaml'}, line {line}: topics[1].unit: "
        "unit 'billing' does not list topic 'claim' in its topics",
    ]


def test_the_triage_unit_must_be_of_kind_triage(org_dir: Path) -> None:
    line = edit(org_dir, "organisation.yaml", "triage_unit: triage", "triage_unit: mailroom")
    assert problems_of(org_dir) == [
        f"{org_dir / 'organisation.yaml'}, line {line}: triage_unit: "
        "unit 'mailroom' is of kind 'mailroom', expected 'triage'"
    ]


def test_an_unknown_holiday_country_and_time_zone_are_refused(org_dir: Path) -> None:
    edit(org_dir, "organisation.yaml", "timezone: Europe/Warsaw", "timezone: Europe/Warszawa")
    edit(org_dir, "calendars.yaml", "country: PL\n    closed", "country: XX\n    closed")
    problems = problems_of(org_dir)
    assert "timezone: unknown time zone 'Europe/Warszawa'" in problems[0]
    assert "calendars[0].holidays.country: not known to the holidays package" in problems[1]


def test_a_yaml_syntax_error_gives_its_line(org_dir: Path) -> None:
    line = edit(org_dir, "agents.yaml", "units: [claims], email", "units: [claims, email")
    problems = problems_of(org_dir)
    assert len(problems) == 1
    assert problems[0].startswith(f"{org_dir / 'agents.yaml'}, line {line}: YAML syntax error")


def test_a_missing_file_and_an_article_without_front_matter_are_reported(org_dir: Path) -> None:
    (org_dir / "agents.yaml").unlink()
    (org_dir / "kb" / "notes.md").write_text("# Just notes\n\nNo front matter here.\n")
    assert problems_of(org_dir) == [
        f"{org_dir / 'agents.yaml'}: file not found",
        f"{org_dir / 'kb' / 'notes.md'}: expected front matter: the first line must be '---'",
    ]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OrgError, match="organisation folder not found"):
        load_organisation(tmp_path / "nowhere")


def test_an_unreadable_file_is_one_problem_not_a_flood_of_follow_ups(org_dir: Path) -> None:
    (org_dir / "units.yaml").write_text("- billing\n- claims\n", encoding="utf-8")
    assert problems_of(org_dir) == [
        f"{org_dir / 'units.yaml'}, line 1: expected a mapping, got a list"
    ]
