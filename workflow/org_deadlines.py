"""Deadlines while a case waits for the customer: the clock stops, and the time stopped is added.

A case waiting for the customer (`Case.waiting_since`) does not use up its unit's business time.
When the customer answers, the business time of the wait is added to `Case.paused_seconds`; its
deadlines are then the routed ones pushed on by that much business time, in the unit's calendar
(so a wait over a weekend costs nothing, and a wait during office hours costs exactly itself).
"""

from __future__ import annotations

from datetime import datetime

from workflow.business_time import BusinessCalendar, business_calendar
from workflow.org_models import Organisation


def unit_calendar(org: Organisation, unit: str) -> BusinessCalendar:
    return business_calendar(org.calendar(org.unit(unit).calendar))


def paused_seconds(
    org: Organisation, unit: str, waiting_since: datetime, resumed_at: datetime
) -> float:
    """Business seconds of the unit's calendar between the start and the end of a wait."""
    hours = unit_calendar(org, unit).business_hours_between(waiting_since, resumed_at)
    return max(0.0, hours * 3600)


def deadline_after_pauses(
    org: Organisation,
    unit: str,
    deadline: datetime,
    paused: float,
    waiting_since: datetime | None = None,
    now: datetime | None = None,
) -> datetime:
    """The deadline pushed on by `paused` business seconds, and by the wait still going on
    (from `waiting_since` to `now`) when the case is waiting right now."""
    if waiting_since is not None:
        if now is None:
            raise ValueError("now is needed to count a wait that is still going on")
        paused += paused_seconds(org, unit, waiting_since, now)
    return unit_calendar(org, unit).add_business_hours(deadline, paused / 3600)
