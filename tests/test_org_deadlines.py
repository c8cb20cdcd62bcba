"""The deadline clock stops while a case waits for the customer: business time of the wait is
added, so a wait over a weekend or a holiday costs nothing and one in office hours costs itself."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflow.org import Organisation, load_organisation
from workflow.org_deadlines import deadline_after_pauses, paused_seconds

DEMO_ORG = Path(__file__).resolve().parents[1] / "samples" / "org"
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation(DEMO_ORG)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WARSAW)


def test_a_wait_over_the_weekend_and_a_holiday_costs_no_business_time(org: Organisation) -> None:
    # Friday 6 November 16:00 to Thursday 12 November 08:00 would be long, but it spans
    # Monday and Tuesday (16 business hours) and the holiday of the 11th (none).
    assert paused_seconds(org, "billing", at(6, 16), at(9, 8)) == 0
    assert paused_seconds(org, "billing", at(6, 16), at(12, 8)) == 16 * 3600


def test_a_paused_deadline_moves_on_by_the_business_time_of_the_wait(org: Organisation) -> None:
    due = at(10, 15)  # Tuesday 15:00
    paused = paused_seconds(org, "billing", at(9, 14), at(9, 16, 30))  # 2 business hours
    assert paused == 2 * 3600
    # 1 h left on Tuesday, the 11th is a holiday, 1 h on Thursday.
    assert deadline_after_pauses(org, "billing", due, paused) == at(12, 9)


def test_a_wait_still_going_on_extends_the_deadline_up_to_now(org: Organisation) -> None:
    due = at(23, 12)  # Monday noon
    extended = deadline_after_pauses(
        org, "billing", due, 3600, waiting_since=at(23, 10), now=at(23, 11, 30)
    )
    # 1 h paused before plus 1.5 h of the current wait.
    assert extended == at(23, 14, 30)
    with pytest.raises(ValueError, match="now is needed"):
        deadline_after_pauses(org, "billing", due, 0, waiting_since=at(23, 10))


def test_the_call_centre_calendar_counts_saturday_mornings(org: Organisation) -> None:
    # Technical support works the call-centre calendar: Saturday 09:00-14:00 is business time.
    assert paused_seconds(org, "techsupport", at(27, 20), at(30, 8)) == 5 * 3600
