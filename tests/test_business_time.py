"""Business hours: deadlines skip nights, weekends, Polish public holidays and closed dates."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from workflow.business_time import BusinessCalendar
from workflow.org import CalendarSpec, OpeningInterval, load_organisation

DEMO_ORG = Path(__file__).resolve().parents[1] / "samples" / "org"
WARSAW = ZoneInfo("Europe/Warsaw")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


@pytest.fixture(scope="module")
def office() -> BusinessCalendar:
    return BusinessCalendar(load_organisation(DEMO_ORG).calendar("office"))


def test_polish_holidays_we_rely_on_are_known_to_the_holidays_package() -> None:
    pl = holidays.country_holidays("PL", years=2026)
    for day in (date(2026, 11, 11), date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)):
        assert day in pl, f"{day} is expected to be a Polish public holiday"
    assert date(2026, 11, 12) not in pl


def test_hours_within_one_day_just_add(office: BusinessCalendar) -> None:
    assert office.add_business_hours(at(2026, 11, 23, 9), 3) == at(2026, 11, 23, 12)


def test_a_deadline_ending_at_closing_time_stays_on_that_day(office: BusinessCalendar) -> None:
    assert office.add_business_hours(at(2026, 11, 23, 8), 8) == at(2026, 11, 23, 16)


def test_a_deadline_crosses_the_night(office: BusinessCalendar) -> None:
    assert office.add_business_hours(at(2026, 11, 23, 14), 4) == at(2026, 11, 24, 10)


def test_a_friday_afternoon_deadline_crosses_the_weekend(office: BusinessCalendar) -> None:
    # Friday 27 November 2026, 14:00 + 4 h: 2 h on Friday, 2 h on Monday.
    assert office.add_business_hours(at(2026, 11, 27, 14), 4) == at(2026, 11, 30, 10)


def test_independence_day_is_skipped(office: BusinessCalendar) -> None:
    # Tuesday 10 November 15:00 + 3 h: 1 h on Tuesday, Wednesday 11 November is a holiday.
    assert office.add_business_hours(at(2026, 11, 10, 15), 3) == at(2026, 11, 12, 10)
    assert office.closure_reason(date(2026, 11, 11)) == "National Independence Day"


def test_christmas_holidays_and_the_weekend_after_them_are_skipped(
    office: BusinessCalendar,
) -> None:
    # Wednesday 23 December 12:00 + 8 h: 4 h on the 23rd; 24-26 are holidays, 27 is Sunday.
    assert office.add_business_hours(at(2026, 12, 23, 12), 8) == at(2026, 12, 28, 12)


def test_a_closed_date_from_the_calendar_file_is_skipped(office: BusinessCalendar) -> None:
    # Wednesday 30 December 15:00 + 2 h: 31 December is a closed date, 1 January a holiday.
    assert office.add_business_hours(at(2026, 12, 30, 15), 2) == at(2027, 1, 4, 9)
    assert office.closure_reason(date(2026, 12, 31)) == "closed date"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 11, 23, 6, 30), at(2026, 11, 23, 10)),  # early morning: opens at 08:00
        (at(2026, 11, 23, 19), at(2026, 11, 24, 10)),  # evening: next morning
        (at(2026, 11, 28, 11), at(2026, 11, 30, 10)),  # Saturday: Monday
        (at(2026, 11, 11, 9), at(2026, 11, 12, 10)),  # on a holiday: the next business day
    ],
)
def test_a_start_outside_hours_counts_from_the_next_opening(
    office: BusinessCalendar, start: datetime, expected: datetime
) -> None:
    assert office.add_business_hours(start, 2) == expected


def test_zero_hours_outside_hours_is_the_next_opening(office: BusinessCalendar) -> None:
    assert office.next_opening(at(2026, 11, 27, 16)) == at(2026, 11, 30, 8)
    assert office.next_opening(at(2026, 11, 27, 9)) == at(2026, 11, 27, 9)


def test_a_start_in_another_time_zone_gives_the_same_moment(office: BusinessCalendar) -> None:
    start_utc = datetime(2026, 11, 23, 13, 0, tzinfo=ZoneInfo("UTC"))  # 14:00 in Warsaw
    deadline = office.add_business_hours(start_utc, 4)
    assert deadline == at(2026, 11, 24, 10)
    assert deadline.tzinfo == WARSAW


def test_is_open_includes_opening_and_excludes_closing(office: BusinessCalendar) -> None:
    assert office.is_open(at(2026, 11, 23, 8))
    assert office.is_open(at(2026, 11, 23, 15, 59))
    assert not office.is_open(at(2026, 11, 23, 16))
    assert not office.is_open(at(2026, 11, 28, 10))  # Saturday
    assert not office.is_open(at(2026, 12, 24, 10))  # Christmas Eve


def test_hours_between_counts_only_business_time(office: BusinessCalendar) -> None:
    assert office.business_hours_between(at(2026, 11, 27, 14), at(2026, 11, 30, 10)) == 4
    assert office.business_hours_between(at(2026, 11, 10, 0), at(2026, 11, 13, 0)) == 16
    assert office.business_hours_between(at(2026, 11, 30, 10), at(2026, 11, 27, 14)) == -4
    assert office.business_hours_between(at(2026, 11, 28, 9), at(2026, 11, 29, 17)) == 0


def test_hours_between_undoes_adding_hours(office: BusinessCalendar) -> None:
    start = at(2026, 12, 22, 13, 17)
    for hours in (0.5, 3, 8, 16, 27.25, 100):
        deadline = office.add_business_hours(start, hours)
        assert office.business_hours_between(start, deadline) == pytest.approx(hours)


def test_split_shifts_skip_the_break() -> None:
    mailroom = BusinessCalendar(load_organisation(DEMO_ORG).calendar("mailroom"))
    # Mailroom shifts are 07:00-11:00 and 11:30-15:00.
    assert mailroom.add_business_hours(at(2026, 11, 23, 10), 2) == at(2026, 11, 23, 12, 30)
    assert not mailroom.is_open(at(2026, 11, 23, 11, 15))


def test_an_hour_lost_to_daylight_saving_is_not_counted() -> None:
    # Sunday 29 March 2026: clocks jump from 02:00 to 03:00 in Warsaw.
    night = CalendarSpec(
        code="night",
        name="Night watch",
        timezone="Europe/Warsaw",
        hours=(OpeningInterval(6, time(1, 0), time(5, 0)),),
    )
    calendar = BusinessCalendar(night)
    assert calendar.business_hours_between(at(2026, 3, 29, 1), at(2026, 3, 29, 5)) == 3
    assert calendar.add_business_hours(at(2026, 3, 29, 1), 2) == at(2026, 3, 29, 4)


def test_naive_datetimes_and_negative_hours_are_refused(office: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        office.add_business_hours(datetime(2026, 11, 23, 9), 1)
    with pytest.raises(ValueError, match="must not be negative"):
        office.add_business_hours(at(2026, 11, 23, 9), -1)
