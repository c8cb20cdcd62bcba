"""What a supervisor reads from a run: per unit, the contacts answered, the share within their
deadline, mean and 95th-percentile wait (business hours of the unit's calendar, from arrival
until an agent takes the contact), the largest backlog, and how loaded the unit was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from workflow.business_time import business_calendar
from workflow.org_models import Organisation
from workflow.simulation.capacity import Staffing
from workflow.simulation.events import ContactOutcome, SimulationResult

TOTAL = "all units"


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    contacts: int
    met: int
    mean_wait_hours: float
    p95_wait_hours: float
    max_backlog: int
    # Work routed to the unit (before overflow) over its agents' hours; None for the total.
    load: float | None
    unanswered: int

    @property
    def met_percent(self) -> float:
        return 100.0 * self.met / self.contacts if self.contacts else 0.0


@dataclass(frozen=True)
class PolicyReport:
    policy: str
    title: str
    units: tuple[UnitFigures, ...]
    total: UnitFigures
    events: int
    overflow_moves: int


def summarise(org: Organisation, result: SimulationResult) -> PolicyReport:
    loads = offered_load(org, result)
    by_unit: dict[str, list[ContactOutcome]] = {}
    for outcome in result.outcomes:
        by_unit.setdefault(outcome.unit, []).append(outcome)
    units = tuple(
        _figures(org, result, unit.code, by_unit[unit.code], loads.get(unit.code))
        for unit in org.units
        if unit.code in by_unit
    )
    total = _figures(org, result, TOTAL, list(result.outcomes), None)
    return PolicyReport(
        result.policy.name, result.policy.title, units, total, result.events, result.overflow_moves
    )


def offered_load(org: Organisation, result: SimulationResult) -> dict[str, float]:
    """Per unit, handling time of the contacts routing sent there over the agent-hours the unit
    had on the days they arrived (an agent of several units counts for each in equal parts)."""
    work: dict[str, float] = {}
    for outcome in result.outcomes:
        routed_to = outcome.original_unit or outcome.unit
        work[routed_to] = work.get(routed_to, 0.0) + outcome.handling_minutes / 60
    staffing = Staffing(org)
    tz = business_calendar(org.calendar(org.default_calendar)).tz
    first, last = result.start.astimezone(tz).date(), result.end.astimezone(tz).date()
    hours: dict[str, float] = {}
    for day in _days(first, last):
        for unit, unit_hours in staffing.unit_hours_on(day).items():
            hours[unit] = hours.get(unit, 0.0) + unit_hours
    return {unit: work[unit] / hours[unit] for unit in work if hours.get(unit)}


def _days(first: date, last: date) -> list[date]:
    """The days from `first` up to, not including, `last` (the end is the next midnight)."""
    return [first + timedelta(days=i) for i in range(max((last - first).days, 1))]


def _figures(
    org: Organisation,
    result: SimulationResult,
    unit: str,
    outcomes: list[ContactOutcome],
    load: float | None,
) -> UnitFigures:
    waits = np.array([_wait_hours(org, result, o) for o in outcomes]) if outcomes else np.zeros(1)
    return UnitFigures(
        unit=unit,
        contacts=len(outcomes),
        met=sum(1 for o in outcomes if o.met_deadline),
        mean_wait_hours=float(waits.mean()),
        p95_wait_hours=float(np.percentile(waits, 95)),
        max_backlog=_max_backlog(result, unit),
        load=load,
        unanswered=sum(1 for o in outcomes if o.finished_at is None),
    )


def _wait_hours(org: Organisation, result: SimulationResult, outcome: ContactOutcome) -> float:
    calendar = business_calendar(org.calendar(org.unit(outcome.unit).calendar))
    taken = outcome.started_at or result.backlog[-1].at
    return max(calendar.business_hours_between(outcome.arrived_at, taken), 0.0)


def _max_backlog(result: SimulationResult, unit: str) -> int:
    if unit == TOTAL:
        return max((sum(n for _, n in s.waiting) for s in result.backlog), default=0)
    return max((n for s in result.backlog for u, n in s.waiting if u == unit), default=0)
