"""People beyond their names: agents' skills, capacity and working hours (agents.yaml), and
absences with their substitutes (absences.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import Node

from workflow.org_models import Absence, OpeningInterval
from workflow.org_reading import Load, Record, optional_field, read_reference
from workflow.org_values import read_opening_hours
from workflow.org_yaml import YamlFile, is_null

ABSENCES_FILE = "absences.yaml"
AGENT_EXTRAS = ("skills", "capacity", "hours")
DEFAULT_CAPACITY = 5


@dataclass(frozen=True)
class AgentExtras:
    skills: tuple[str, ...] = ()
    capacity: int = DEFAULT_CAPACITY
    hours: tuple[OpeningInterval, ...] = ()


def read_agent_extras(
    load: Load, yf: YamlFile, fields: dict[str, Node], path: str
) -> AgentExtras | None:
    """Skills (topic or product codes, checked once every file is read), capacity, hours."""
    skills: tuple[str, ...] | None = ()
    if not is_null(fields.get("skills")):
        skills = yf.string_list(fields["skills"], f"{path}.skills")
        for i, skill in enumerate(skills or ()):
            load.refer("skill", skill, yf, fields["skills"].value[i], f"{path}.skills[{i}]")
    capacity = optional_field(
        fields, "capacity", lambda n: yf.integer(n, f"{path}.capacity", 1, 1000)
    )
    hours: tuple[OpeningInterval, ...] | None = ()
    if not is_null(fields.get("hours")):
        hours = read_opening_hours(yf, fields["hours"], f"{path}.hours")
    if skills is None or hours is None:
        return None
    if not is_null(fields.get("capacity")) and capacity is None:
        return None
    return AgentExtras(skills, DEFAULT_CAPACITY if capacity is None else capacity, hours)


def absence(load: Load, yf: YamlFile, node: Node, path: str) -> Record[Absence] | None:
    """`{agent: a.kowalska, from: 2026-11-23, to: 2026-11-27, substitute: p.wisniewski}`."""
    fields = yf.mapping(
        node, path, required=("agent", "from", "to", "substitute"), optional=("reason",)
    )
    if fields is None:
        return None
    agent = read_reference(load, yf, fields, path, "agent", "agent")
    substitute = read_reference(load, yf, fields, path, "substitute", "agent")
    starts = optional_field(fields, "from", lambda n: yf.day(n, f"{path}.from"))
    ends = optional_field(fields, "to", lambda n: yf.day(n, f"{path}.to"))
    reason = optional_field(fields, "reason", lambda n: yf.string(n, f"{path}.reason")) or ""
    if agent is None or substitute is None or starts is None or ends is None:
        return None
    if substitute == agent:
        yf.report(
            fields["substitute"], f"{path}.substitute", "an agent cannot substitute for themselves"
        )
        return None
    if ends < starts:
        message = f"the absence ends ({ends}) before it starts ({starts})"
        yf.report(fields["to"], f"{path}.to", message)
        return None
    return Record(Absence(agent, starts, ends, substitute, reason), yf, path, fields)
