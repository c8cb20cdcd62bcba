"""The organisation's routing data: regions, products, backups, agents' skills and hours,
absences, deadline policies and rules load from samples/org, and mistakes in them are refused
with their file, line and key."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.test_org_validation import edit, problems_of
from workflow.org import Organisation, load_organisation

DEMO_ORG = Path(__file__).resolve().parents[1] / "samples" / "org"
POLISH_POSTCODES = SHARED_DATA / "postal" / "geonames_zipcodes.pl.csv"


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation(DEMO_ORG)


@pytest.fixture
def org_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "org"
    shutil.copytree(DEMO_ORG, folder)
    return folder


def test_every_warsaw_postcode_of_the_postal_register_is_in_the_warsaw_region(
    org: Organisation,
) -> None:
    with POLISH_POSTCODES.open(encoding="utf-8") as rows:
        places = [(r["zipcode"], r["place"], r["state"]) for r in csv.DictReader(rows)]
    warsaw = [code for code, place, state in places if place == "Warszawa" and state == "Mazovia"]
    krakow = [code for code, place, state in places if place == "Kraków"]
    assert len(warsaw) > 3000 and len(krakow) > 1000
    assert {org.region_of(code).code for code in warsaw} == {"warsaw"}  # type: ignore[union-attr]
    assert {org.region_of(f"PL {code}").code for code in krakow} == {"krakow"}  # type: ignore[union-attr]
    gdansk = [code for code, place, _ in places if place == "Gdańsk"]
    assert gdansk and all(org.region_of(code) is None for code in gdansk)


def test_units_carry_regions_products_and_backups(org: Organisation) -> None:
    regional = org.unit("deliveries-warsaw")
    assert (regional.kind, regional.regions, regional.backup) == (
        "regional",
        ("warsaw",),
        "deliveries",
    )
    assert org.unit("claims-large").products == ("washing-machine", "fridge", "dishwasher")
    assert org.unit("claims").backup == "complaints"
    assert org.unit("techsupport").backup is None


def test_agents_have_skills_capacity_and_working_hours(org: Organisation) -> None:
    smith = org.agent("o.smith")
    assert smith.skills == ("router", "tv")
    assert sorted({i.weekday for i in smith.hours}) == [0, 1, 2]
    assert org.agent("a.kowalska").capacity == 8
    assert org.agent("b.mazur").capacity == 5  # the default
    assert org.agent("b.mazur").hours == ()


def test_an_absence_covers_its_first_and_last_day_only(org: Organisation) -> None:
    assert org.absence_of("m.zielinska", date(2026, 11, 22)) is None
    first = org.absence_of("m.zielinska", date(2026, 11, 23))
    assert first is not None and first.substitute == "t.lewandowski"
    assert org.absence_of("m.zielinska", date(2026, 11, 27)) == first
    assert org.absence_of("m.zielinska", date(2026, 11, 28)) is None


def test_the_most_specific_deadline_policy_wins(org: Organisation) -> None:
    assert org.service_level_for("claim", 1).code == "claim-statutory"  # type: ignore[union-attr]
    assert org.service_level_for("delivery", 1).code == "urgent"  # type: ignore[union-attr]
    assert org.service_level_for("billing", 3) is None
    # A policy without topic and priority is only for rules that name it.
    assert org.service_level("vip").resolution_hours == 24
    assert all(
        s.code != "vip" for t in ("billing", None) for s in [org.service_level_for(t, 4)] if s
    )


def test_rules_are_loaded_in_file_order(org: Organisation) -> None:
    names = [r.name for r in org.rules]
    assert names[:3] == ["letters-to-management", "legal-threat", "vip-customers"]
    assert org.rules[-1].then.stop
    assert org.incidents is not None and org.incidents.notify_unit == "triage"


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "units.yaml",
            "    regions: [warsaw]",
            "    regions: [warszawa]",
            "units[9].regions[0]: unknown region 'warszawa' (known: warsaw, krakow)",
        ),
        (
            "units.yaml",
            "    regions: [warsaw]\n",
            "",
            "units[9].code: a regional unit must list its regions (key 'regions')",
        ),
        (
            "units.yaml",
            "    backup: loyalty",
            "    backup: billing",
            "units[0].backup: a unit cannot be its own backup",
        ),
        (
            "units.yaml",
            "    backup: loyalty",
            "    backup: mailroom",
            "units[0].backup: backup unit 'mailroom' is of kind 'mailroom'; it cannot answer",
        ),
        (
            "organisation.yaml",
            'warsaw: ["00-..05-"]',
            'warsaw: ["05-..00-"]',
            "regions.warsaw[0]: the range '05-..00-' ends before it starts",
        ),
        (
            "organisation.yaml",
            'warsaw: ["00-..05-"]',
            'warsaw: ["00-*"]',
            "regions.warsaw[0]: invalid postcode range '00-*'",
        ),
        (
            "organisation.yaml",
            "  min_contacts: 5",
            "  min_contacts: 1",
            "incidents.min_contacts: 1 is out of range (2..100000)",
        ),
        (
            "agents.yaml",
            "skills: [router, tv]",
            "skills: [router, tvs]",
            "agents[8].skills[1]: unknown skill 'tvs' (known: billing, claim",
        ),
        (
            "absences.yaml",
            "from: 2026-11-23, to: 2026-11-27",
            "from: 2026-11-23, to: 2026-11-20",
            "absences[0].to: the absence ends (2026-11-20) before it starts (2026-11-23)",
        ),
        (
            "absences.yaml",
            "substitute: t.lewandowski",
            "substitute: m.zielinska",
            "absences[0].substitute: an agent cannot substitute for themselves",
        ),
        (
            "absences.yaml",
            "substitute: j.kaminski",
            "substitute: j.kaminsky",
            "absences[1].substitute: unknown agent 'j.kaminsky'",
        ),
        (
            "deadlines.yaml",
            "first_response_hours: 4\n    resolution_hours: 40",
            "first_response_hours: 4\n    resolution_hours: 2",
            "deadlines[1].resolution_hours: resolution (2 h) must not come before the first",
        ),
        (
            "deadlines.yaml",
            "topic: claim",
            "topic: claims",
            "deadlines[0].topic: unknown topic 'claims'",
        ),
    ],
)
def test_a_mistake_in_the_routing_data_is_reported_with_file_line_and_key(
    org_dir: Path, name: str, old: str, new: str, message: str
) -> None:
    line = edit(org_dir, name, old, new)
    problems = problems_of(org_dir)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{org_dir / name}, line ")
    assert message in problems[0]
    reported_line = int(problems[0].split(", line ")[1].split(":")[0])
    assert abs(reported_line - line) <= 8


def test_optional_files_may_be_left_out(org_dir: Path) -> None:
    for name in ("rules.yaml", "absences.yaml", "deadlines.yaml"):
        (org_dir / name).unlink()
    org = load_organisation(org_dir)
    assert (org.rules, org.absences, org.service_levels) == ((), (), ())
