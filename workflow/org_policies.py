"""The organisation's policies: regions and products (organisation.yaml), incident detection and
overflow settings (organisation.yaml), and deadline policies (deadlines.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from yaml.nodes import Node

from workflow.org_models import (
    IncidentPolicy,
    OverflowPolicy,
    PostcodeRange,
    Region,
    ServiceLevel,
)
from workflow.org_reading import Load, Record, optional_field, read_code, read_reference
from workflow.org_values import read_positive
from workflow.org_yaml import YamlFile, is_null

DEADLINES_FILE = "deadlines.yaml"
EXTRA_SETTINGS = ("regions", "products", "incidents", "overflow")

# A postcode prefix: letters, digits, spaces and dashes ("00-", "SW1", "PL 00-").
_PREFIX = re.compile(r"^[0-9A-Z][0-9A-Z -]*$")


@dataclass
class OrgExtras:
    regions: list[Region] = field(default_factory=list)
    products: tuple[str, ...] = ()
    incidents: IncidentPolicy | None = None
    overflow: OverflowPolicy = field(default_factory=OverflowPolicy)


def read_extras(load: Load, yf: YamlFile, fields: dict[str, Node]) -> OrgExtras:
    """The optional blocks of organisation.yaml; problems are recorded, defaults kept."""
    extras = OrgExtras()
    if not is_null(fields.get("regions")):
        extras.regions = _regions(load, yf, fields["regions"])
    if not is_null(fields.get("products")):
        extras.products = _products(load, yf, fields["products"])
    if not is_null(fields.get("incidents")):
        extras.incidents = _incidents(load, yf, fields["incidents"])
    if not is_null(fields.get("overflow")):
        extras.overflow = _overflow(yf, fields["overflow"]) or OverflowPolicy()
    return extras


def _regions(load: Load, yf: YamlFile, node: Node) -> list[Region]:
    """`{warsaw: ["00-..05-"], lodz: ["90-..95-", "97-"]}`: ranges or prefixes of postcodes."""
    entries = yf.entries(node, "regions") or []
    regions = []
    for code, key_node, value in entries:
        path = f"regions.{code}"
        load.declare("region", code, yf, key_node, path)
        texts = yf.string_list(value, path)
        if texts is None:
            continue
        if not texts:
            yf.report(value, path, "a region needs at least one postcode range or prefix")
            continue
        ranges = [
            _postcode_range(yf, value.value[i], f"{path}[{i}]", t) for i, t in enumerate(texts)
        ]
        if all(r is not None for r in ranges):
            regions.append(Region(code, tuple(cast(list[PostcodeRange], ranges))))
    return regions


def _postcode_range(yf: YamlFile, node: Node, path: str, text: str) -> PostcodeRange | None:
    first, dots, last = (part.strip().upper() for part in text.partition(".."))
    last = last if dots else first
    for part in (first, last):
        if not _PREFIX.match(part):
            message = f"invalid postcode range {text!r} (a prefix such as '00-' or '00-..05-')"
            yf.report(node, path, message)
            return None
    if last < first:
        yf.report(node, path, f"the range {text!r} ends before it starts")
        return None
    return PostcodeRange(first, last)


def _products(load: Load, yf: YamlFile, node: Node) -> tuple[str, ...]:
    codes = yf.string_list(node, "products") or ()
    for i, code in enumerate(codes):
        load.declare("product", code, yf, node.value[i], f"products[{i}]")
    return codes


def _incidents(load: Load, yf: YamlFile, node: Node) -> IncidentPolicy | None:
    fields = yf.mapping(
        node,
        "incidents",
        required=("min_contacts", "window_minutes", "priority", "notify_unit"),
    )
    if fields is None:
        return None
    count = optional_field(
        fields, "min_contacts", lambda n: yf.integer(n, "incidents.min_contacts", 2, 100_000)
    )
    window = optional_field(
        fields, "window_minutes", lambda n: read_positive(yf, n, "incidents.window_minutes")
    )
    priority = optional_field(
        fields, "priority", lambda n: yf.integer(n, "incidents.priority", 1, 5)
    )
    unit = read_reference(load, yf, fields, "incidents", "notify_unit", "unit")
    if count is None or window is None or priority is None or unit is None:
        return None
    return IncidentPolicy(count, window, priority, unit)


def _overflow(yf: YamlFile, node: Node) -> OverflowPolicy | None:
    fields = yf.mapping(node, "overflow", optional=("window_days", "min_done"))
    if fields is None:
        return None
    default = OverflowPolicy()
    days = optional_field(
        fields, "window_days", lambda n: read_positive(yf, n, "overflow.window_days")
    )
    least = optional_field(
        fields, "min_done", lambda n: yf.integer(n, "overflow.min_done", 1, 1_000_000)
    )
    return OverflowPolicy(
        window_days=default.window_days if days is None else days,
        min_done=default.min_done if least is None else least,
    )


# --- deadlines.yaml ----------------------------------------------------------------------------


def service_level(load: Load, yf: YamlFile, node: Node, path: str) -> Record[ServiceLevel] | None:
    """`{code: claim-statutory, topic: claim, first_response_hours: 24, resolution_hours: 112}`."""
    fields = yf.mapping(
        node,
        path,
        required=("code", "first_response_hours"),
        optional=("topic", "priority", "resolution_hours"),
    )
    if fields is None:
        return None
    code = read_code(load, yf, fields, path, "deadline policy")
    first = optional_field(
        fields,
        "first_response_hours",
        lambda n: read_positive(yf, n, f"{path}.first_response_hours"),
    )
    resolution = optional_field(
        fields, "resolution_hours", lambda n: read_positive(yf, n, f"{path}.resolution_hours")
    )
    topic = read_reference(load, yf, fields, path, "topic", "topic")
    priority = optional_field(fields, "priority", lambda n: yf.integer(n, f"{path}.priority", 1, 5))
    if code is None or first is None:
        return None
    if not is_null(fields.get("resolution_hours")) and resolution is None:
        return None
    if resolution is not None and resolution < first:
        message = (
            f"resolution ({resolution:g} h) must not come before the first response ({first:g} h)"
        )
        yf.report(fields["resolution_hours"], f"{path}.resolution_hours", message)
        return None
    level = ServiceLevel(code, first, resolution, topic, priority)
    return Record(level, yf, path, fields)
