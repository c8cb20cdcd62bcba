"""Deadline policies a supervisor wants to try before promising them: the `deadlines` list of a
scenario file, in the shape of `deadlines.yaml`, laid over the organisation's for one simulation.

An entry with the code of one of the organisation's policies replaces it; any other is added. So
"what if every delivery question were answered within 4 business hours" is one entry with the
topic, and the rules that name a policy (`deadline: vip`) keep finding it. The organisation
folder is not touched: the simulated organisation is a copy.
"""

from __future__ import annotations

from dataclasses import replace

from yaml.nodes import Node

from workflow.org_models import Organisation, ServiceLevel
from workflow.org_policies import service_level
from workflow.org_reading import Load
from workflow.org_yaml import YamlFile


def read_service_levels(
    org: Organisation, yf: YamlFile, node: Node, key: str = "deadlines"
) -> tuple[ServiceLevel, ...] | None:
    """The entries of `key`; problems (a missing field, an unknown topic, a duplicate code) go to
    `yf`'s problems with file, line and key, and the result is None."""
    items = yf.sequence(node, key)
    if items is None:
        return None
    load = Load(yf.path.parent, problems=yf.problems)
    # The topics a policy may name are the organisation's, declared in its own files.
    load.declared["topic"] = {topic.code: yf.where(node, key) for topic in org.topics}
    before = len(yf.problems)
    records = [service_level(load, yf, item, f"{key}[{i}]") for i, item in enumerate(items)]
    load.check_references()
    if len(yf.problems) > before or any(record is None for record in records):
        return None
    return tuple(record.value for record in records if record is not None)


def with_service_levels(org: Organisation, levels: tuple[ServiceLevel, ...]) -> Organisation:
    """The organisation with `levels` laid over its deadline policies, matched by code."""
    if not levels:
        return org
    replacing = {level.code: level for level in levels}
    kept = tuple(level for level in org.service_levels if level.code not in replacing)
    return replace(org, service_levels=kept + levels)
