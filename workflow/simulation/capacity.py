"""Who works when: each agent's business calendar, the units an agent serves on a day (their own,
or none while away, plus those of the colleagues they stand in for), and the agent-hours each
unit has on a day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from workflow.business_time import BusinessCalendar, business_calendar
from workflow.org_models import Agent, Organisation
from workflow.overflow import substitute_for


def agent_calendar(org: Organisation, agent: Agent) -> BusinessCalendar:
    """The calendar of the agent's first unit, with the agent's own hours when they have any
    (holidays and closed days stay those of the unit)."""
    base = org.calendar(org.unit(agent.units[0]).calendar)
    if not agent.hours:
        return business_calendar(base)
    own = replace(base, code=f"{base.code}+{agent.id}", name=f"hours of {agent.name}")
    return business_calendar(replace(own, hours=agent.hours))


class Staffing:
    """Per day, who serves which units, remembered: agents ask at every task they pick."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self._calendars = {a.id: agent_calendar(org, a) for a in org.agents}
        self._served: dict[date, dict[str, tuple[str, ...]]] = {}

    def calendar(self, agent_id: str) -> BusinessCalendar:
        return self._calendars[agent_id]

    def units_served(self, agent_id: str, day: date) -> tuple[str, ...]:
        """The agent's units, none while they are away, and the units of every absent
        colleague whose substitute (`substitute_for`) they are on `day`."""
        served = self._served.get(day)
        if served is None:
            served = self._served[day] = _units_served(self.org, day)
        return served.get(agent_id, ())

    def agent_hours_on(self, agent_id: str, day: date) -> float:
        """Business hours of the agent's calendar on `day` (0 on closed days)."""
        calendar = self._calendars[agent_id]
        begin = datetime.combine(day, time(0), tzinfo=calendar.tz)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.tz)
        return calendar.business_hours_between(begin, end)

    def unit_hours_on(self, day: date) -> dict[str, float]:
        """Agent-hours per unit on `day`; an agent serving several units counts for each in
        equal parts (in the simulation they take the most pressing task among them)."""
        hours: dict[str, float] = {}
        for agent in self.org.agents:
            units = self.units_served(agent.id, day)
            if not units:
                continue
            share = self.agent_hours_on(agent.id, day) / len(units)
            for unit in units:
                hours[unit] = hours.get(unit, 0.0) + share
        return hours


def _units_served(org: Organisation, day: date) -> dict[str, tuple[str, ...]]:
    absent = {a.agent for a in org.absences if a.covers(day)}
    served = {a.id: [] if a.id in absent else list(a.units) for a in org.agents}
    for agent_id in sorted(absent):
        substitute = substitute_for(org, agent_id, day)
        if substitute is None or substitute not in served:
            continue
        for unit in org.agent(agent_id).units:
            if unit not in served[substitute]:
                served[substitute].append(unit)
    return {agent: tuple(units) for agent, units in served.items()}
