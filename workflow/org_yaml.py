"""Typed reading of composed YAML nodes that records problems with their line numbers.

PyYAML's `compose` keeps the position of every node; reading from nodes instead of from plain Python
values is what lets an error say "units.yaml, line 14: units[3].calendar". Every reader returns
None after recording a problem, so one pass collects all problems of a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from workflow.org_errors import Location, OrgProblem

_TAG = "tag:yaml.org,2002:"
_TAG_NAMES = {
    f"{_TAG}str": "a string",
    f"{_TAG}int": "an integer",
    f"{_TAG}float": "a number",
    f"{_TAG}bool": "a boolean",
    f"{_TAG}null": "nothing (null)",
    f"{_TAG}timestamp": "a date",
    f"{_TAG}seq": "a list",
    f"{_TAG}map": "a mapping",
}


def describe(node: Node) -> str:
    name = _TAG_NAMES.get(node.tag, node.tag)
    if isinstance(node, ScalarNode) and node.tag != f"{_TAG}null":
        return f"{name} ({node.value!r})"
    return name


def is_null(node: Node | None) -> bool:
    return node is None or node.tag == f"{_TAG}null"


class YamlFile:
    """One YAML document being read; problems go to the shared list of the whole load."""

    def __init__(self, path: Path, problems: list[OrgProblem], line_offset: int = 0) -> None:
        self.path = path
        self.problems = problems
        # Front matter in a Markdown file starts after the opening '---' line.
        self.line_offset = line_offset

    def where(self, node: Node | None, path: str) -> Location:
        line = None if node is None else node.start_mark.line + 1 + self.line_offset
        return Location(self.path, line, path)

    def report(self, node: Node | None, path: str, message: str) -> None:
        self.problems.append(OrgProblem(self.where(node, path), message))

    def compose(self, text: str) -> Node | None:
        """Parse `text`; a syntax error or an empty document is recorded and gives None."""
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = None if mark is None else mark.line + 1 + self.line_offset
            detail = " ".join(str(p) for p in (exc.context, exc.problem) if p)
            self.problems.append(
                OrgProblem(Location(self.path, line, ""), f"YAML syntax error: {detail}")
            )
            return None
        except yaml.YAMLError as exc:
            self.report(None, "", f"YAML syntax error: {exc}")
            return None
        if is_null(root):
            self.report(None, "", "the file is empty")
            return None
        return root

    def mapping(
        self,
        node: Node,
        path: str,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> dict[str, Node] | None:
        """The fields of a fixed-key mapping; unknown, duplicate and missing keys are reported."""
        entries = self.entries(node, path)
        if entries is None:
            return None
        required = tuple(required)
        allowed = (*required, *optional)
        fields: dict[str, Node] = {}
        for key, key_node, value in entries:
            if key not in allowed:
                self.report(key_node, _join(path, key), _unknown_key(key, allowed))
            else:
                fields[key] = value
        for key in required:
            if key not in fields or is_null(fields[key]):
                where = fields.get(key, node)
                self.report(where, _join(path, key), "required key is missing")
        return fields

    def entries(self, node: Node, path: str) -> list[tuple[str, Node, Node]] | None:
        """(key, key node, value node) of a mapping with free keys; duplicates are reported."""
        if not isinstance(node, MappingNode):
            self.report(node, path, f"expected a mapping, got {describe(node)}")
            return None
        seen: dict[str, Node] = {}
        result = []
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != f"{_TAG}str":
                self.report(key_node, path, f"a key must be a string, got {describe(key_node)}")
                continue
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark.line + 1 + self.line_offset
                self.report(key_node, _join(path, key), f"duplicate key (first at line {first})")
                continue
            seen[key] = key_node
            result.append((key, key_node, value))
        return result

    def sequence(self, node: Node, path: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.report(node, path, f"expected a list, got {describe(node)}")
            return None
        return list(node.value)

    def string(self, node: Node, path: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != f"{_TAG}str":
            self.report(node, path, f"expected a string, got {describe(node)}")
            return None
        if not node.value.strip():
            self.report(node, path, "must not be empty")
            return None
        return node.value.strip()

    def scalar_text(self, node: Node, path: str) -> str | None:
        """The raw text of any scalar, for values YAML may resolve as numbers or dates."""
        if not isinstance(node, ScalarNode) or is_null(node):
            self.report(node, path, f"expected a single value, got {describe(node)}")
            return None
        return node.value.strip()

    def integer(self, node: Node, path: str, low: int, high: int) -> int | None:
        if not isinstance(node, ScalarNode) or node.tag != f"{_TAG}int":
            self.report(node, path, f"expected an integer, got {describe(node)}")
            return None
        value = int(yaml.safe_load(node.value))
        if not low <= value <= high:
            self.report(node, path, f"{value} is out of range ({low}..{high})")
            return None
        return value

    def number(self, node: Node, path: str, low: float, high: float | None = None) -> float | None:
        """A number >= low (and <= high when given)."""
        if not isinstance(node, ScalarNode) or node.tag not in (f"{_TAG}int", f"{_TAG}float"):
            self.report(node, path, f"expected a number, got {describe(node)}")
            return None
        value = float(yaml.safe_load(node.value))
        if value < low or (high is not None and value > high):
            bounds = f"{low:g}..{high:g}" if high is not None else f">= {low:g}"
            self.report(node, path, f"{value:g} is out of range ({bounds})")
            return None
        return value

    def boolean(self, node: Node, path: str) -> bool | None:
        if not isinstance(node, ScalarNode) or node.tag != f"{_TAG}bool":
            self.report(node, path, f"expected true or false, got {describe(node)}")
            return None
        return bool(yaml.safe_load(node.value))

    def string_list(self, node: Node, path: str) -> tuple[str, ...] | None:
        items = self.sequence(node, path)
        if items is None:
            return None
        values = [self.string(item, f"{path}[{i}]") for i, item in enumerate(items)]
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v is not None)

    def day(self, node: Node, path: str) -> date | None:
        text = self.scalar_text(node, path)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.report(node, path, f"invalid date {text!r} (expected YYYY-MM-DD)")
            return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {key!r} ({hint}allowed: {', '.join(allowed)})"
