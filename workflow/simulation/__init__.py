"""The surge simulator: a discrete-event simulation of contacts arriving, routed by the real
routing code, waiting in unit queues and answered by agents in their business hours, under
several queue policies side by side.

`load_scenario` reads the arrivals and handling times (`simulation.yaml`), `simulate` runs one
policy, `summarise` turns its outcome into the per-unit figures, `chart.draw_chart` makes the PNG
(imported from its module, so that only those who draw load matplotlib).
"""

from workflow.simulation.events import SimulationResult, simulate
from workflow.simulation.policies import POLICIES, Policy, policy_named
from workflow.simulation.report import PolicyReport, UnitFigures, summarise
from workflow.simulation.scenario import (
    Scenario,
    ScenarioError,
    TopicLoad,
    load_scenario,
    parse_surge,
)

__all__ = [
    "POLICIES",
    "Policy",
    "PolicyReport",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "TopicLoad",
    "UnitFigures",
    "load_scenario",
    "parse_surge",
    "policy_named",
    "simulate",
    "summarise",
]
