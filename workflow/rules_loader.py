"""Read `rules.yaml`: the ordered routing rules, each `{name, when: {...}, then: {...}}`.

Codes a rule names (topics, units, regions, products, languages, deadline policies, articles)
are checked against the other files once everything is read, like every other reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yaml.nodes import Node

from workflow.org_reading import Load, Record, optional_field, read_reference
from workflow.org_values import read_choice
from workflow.org_yaml import YamlFile
from workflow.rules_models import (
    CHANNELS,
    SENTIMENTS,
    Actions,
    Conditions,
    EntityWanted,
    Rule,
    keyword_pattern,
)

RULES_FILE = "rules.yaml"

# Condition key -> the kind of code its values refer to (checked across files), or None.
_LIST_CONDITIONS: dict[str, str | None] = {
    "topic": "topic",
    "channel": None,
    "sentiment": None,
    "tier": None,
    "region": "region",
    "language": "language",
    "product": "product",
    "keywords": None,
    "entities": None,
}
_CHOICES = {"channel": CHANNELS, "sentiment": SENTIMENTS}
_CONDITIONS = (*_LIST_CONDITIONS, "min_confidence", "max_confidence")
_ACTIONS = ("unit", "priority", "raise_priority", "deadline", "tags", "acknowledge", "stop")


def rule(load: Load, yf: YamlFile, node: Node, path: str) -> Record[Rule] | None:
    fields = yf.mapping(node, path, required=("name", "when", "then"))
    if fields is None:
        return None
    name = optional_field(fields, "name", lambda n: yf.string(n, f"{path}.name"))
    if name is not None:
        load.declare("rule", name, yf, fields["name"], f"{path}.name")
    when = optional_field(fields, "when", lambda n: _conditions(load, yf, n, f"{path}.when"))
    then = optional_field(fields, "then", lambda n: _actions(load, yf, n, f"{path}.then"))
    if name is None or when is None or then is None:
        return None
    line = node.start_mark.line + 1
    return Record(Rule(name, when, then, line), yf, path, fields)


def _conditions(load: Load, yf: YamlFile, node: Node, path: str) -> Conditions | None:
    fields = yf.mapping(node, path, optional=_CONDITIONS)
    if fields is None or len(fields) < len(node.value):
        return None
    if not node.value:
        yf.report(node, path, f"a rule needs at least one condition ({', '.join(_CONDITIONS)})")
        return None
    values: dict[str, Any] = {}
    ok = True
    for key, kind in _LIST_CONDITIONS.items():
        if key not in fields:
            continue
        codes = _codes(load, yf, fields[key], f"{path}.{key}", kind, _CHOICES.get(key))
        ok = ok and codes is not None
        values[key] = codes or ()
    bounds = {}
    for key in ("min_confidence", "max_confidence"):
        bounds[key] = optional_field(
            fields, key, lambda n, k=key: yf.number(n, f"{path}.{k}", 0, 1)
        )
        ok = ok and (bounds[key] is not None or key not in fields)
    if not ok:
        return None
    entities = tuple(_entity(text) for text in values.get("entities", ()))
    keywords = values.get("keywords", ())
    return Conditions(
        topics=values.get("topic", ()),
        sentiments=values.get("sentiment", ()),
        min_confidence=bounds["min_confidence"],
        max_confidence=bounds["max_confidence"],
        channels=values.get("channel", ()),
        tiers=values.get("tier", ()),
        regions=values.get("region", ()),
        languages=values.get("language", ()),
        products=values.get("product", ()),
        entities=entities,
        keywords=keywords,
        keyword_pattern=keyword_pattern(keywords),
    )


def _codes(
    load: Load,
    yf: YamlFile,
    node: Node,
    path: str,
    kind: str | None,
    choices: tuple[str, ...] | None,
) -> tuple[str, ...] | None:
    """A single value or a list of them; each one a known code or an allowed choice."""
    items = node.value if node.tag.endswith(":seq") else [node]
    if not items:
        yf.report(node, path, "the list is empty")
        return None
    codes = []
    for i, item in enumerate(items):
        item_path = f"{path}[{i}]" if node.tag.endswith(":seq") else path
        code = read_choice(yf, item, item_path, choices) if choices else yf.string(item, item_path)
        if code is None:
            return None
        if kind is not None:
            load.refer(kind, code, yf, item, item_path)
        codes.append(code)
    return tuple(codes)


def _entity(text: str) -> EntityWanted:
    kind, colon, value = text.partition(":")
    return EntityWanted(kind.strip().lower(), value.strip() if colon and value.strip() else None)


def _actions(load: Load, yf: YamlFile, node: Node, path: str) -> Actions | None:
    fields = yf.mapping(node, path, optional=_ACTIONS)
    if fields is None or len(fields) < len(node.value):
        return None
    if not node.value:
        yf.report(node, path, f"a rule needs at least one action ({', '.join(_ACTIONS)})")
        return None
    read: dict[str, Callable[[Node], Any]] = {
        "priority": lambda n: yf.integer(n, f"{path}.priority", 1, 5),
        "raise_priority": lambda n: yf.integer(n, f"{path}.raise_priority", 1, 4),
        "tags": lambda n: _codes(load, yf, n, f"{path}.tags", None, None),
        "acknowledge": lambda n: _acknowledge(load, yf, n, f"{path}.acknowledge"),
        "stop": lambda n: _boolean(yf, n, f"{path}.stop"),
    }
    values = {key: optional_field(fields, key, reader) for key, reader in read.items()}
    if any(values[key] is None for key in read if key in fields):
        return None
    unit = read_reference(load, yf, fields, path, "unit", "unit")
    deadline = read_reference(load, yf, fields, path, "deadline", "deadline policy")
    acknowledge, article = values["acknowledge"] or (None, None)
    return Actions(
        unit=unit,
        priority=values["priority"],
        raise_priority=values["raise_priority"] or 0,
        deadline=deadline,
        tags=values["tags"] or (),
        acknowledge=acknowledge,
        article=article,
        stop=bool(values["stop"]),
    )


def _acknowledge(load: Load, yf: YamlFile, node: Node, path: str) -> tuple[bool, str | None] | None:
    """`acknowledge: false`, `acknowledge: true` or `acknowledge: {article: kb-id}`."""
    if node.tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on"), None
    fields = yf.mapping(node, path, required=("article",))
    if fields is None:
        return None
    article = read_reference(load, yf, fields, path, "article", "article")
    return (True, article) if article is not None else None


def _boolean(yf: YamlFile, node: Node, path: str) -> bool | None:
    if not node.tag.endswith(":bool"):
        yf.report(node, path, "expected true or false")
        return None
    return node.value.lower() in ("true", "yes", "on")
