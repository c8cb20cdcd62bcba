"""One scenario under several policies, on the same contacts: the comparison a supervisor asks
for, and the speed of the simulation."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from workflow.org_models import Organisation
from workflow.simulation.arrivals import draw_arrivals
from workflow.simulation.events import SimulationResult, simulate
from workflow.simulation.policies import Policy
from workflow.simulation.scenario import Scenario


@dataclass(frozen=True)
class PolicyRun:
    result: SimulationResult
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.result.events / self.seconds if self.seconds > 0 else 0.0


def run_policies(
    org: Organisation,
    scenario: Scenario,
    policies: tuple[Policy, ...],
    days: int,
    seed: int,
) -> tuple[PolicyRun, ...]:
    """Contacts drawn once for `days` days from the scenario's start, then each policy, with
    the scenario's deadline policies laid over the organisation's."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    org = scenario.planned_organisation(org)
    tz = ZoneInfo(org.timezone)
    start = datetime.combine(scenario.start, clock_time(0), tzinfo=tz)
    end = datetime.combine(scenario.start + timedelta(days=days), clock_time(0), tzinfo=tz)
    arrivals = draw_arrivals(scenario, org.timezone, days, seed)
    runs = []
    for policy in policies:
        began = time.perf_counter()
        result = simulate(org, arrivals, policy, start, end, scenario.rebalance_minutes)
        runs.append(PolicyRun(result, time.perf_counter() - began))
    return tuple(runs)
