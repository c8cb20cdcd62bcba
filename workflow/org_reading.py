"""Reading state and field readers shared by the loaders of the organisation's files.

A `Load` collects the problems of one organisation folder and the codes each file declares, so
references between files (a unit's calendar, a rule's unit) are checked once everything is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar, cast

from yaml.nodes import Node

from workflow.org_errors import Location, OrgProblem
from workflow.org_yaml import YamlFile, is_null

_CODE = re.compile(r"^[a-z][a-z0-9_.-]*$")

T = TypeVar("T")


@dataclass
class Record(Generic[T]):
    """A value read from a file, with the nodes it came from, for checks made after reading."""

    value: T
    file: YamlFile
    path: str
    fields: dict[str, Node]

    def report(self, key: str, message: str) -> None:
        path = f"{self.path}.{key}" if self.path else key
        self.file.report(self.fields.get(key), path, message)


@dataclass
class Load:
    """The state of one load: problems, declared codes and references waiting to be checked."""

    folder: Path
    problems: list[OrgProblem] = field(default_factory=list)
    declared: dict[str, dict[str, Location]] = field(default_factory=dict)
    references: list[tuple[str, str, Location]] = field(default_factory=list)
    # Kinds whose declaring file could not be read: references to them would only repeat that.
    unreadable: set[str] = field(default_factory=set)

    def open(self, name: str) -> tuple[YamlFile, Node | None]:
        path = self.folder / name
        yf = YamlFile(path, self.problems)
        if not path.is_file():
            yf.report(None, "", "file not found")
            return yf, None
        text = read_text(yf)
        return yf, None if text is None else yf.compose(text)

    def declare(self, kind: str, code: str, yf: YamlFile, node: Node, path: str) -> None:
        codes = self.declared.setdefault(kind, {})
        if code in codes:
            first = codes[code]
            yf.report(node, path, f"duplicate {kind} {code!r} (first at {short_location(first)})")
        else:
            codes[code] = yf.where(node, path)

    def refer(self, kind: str, code: str, yf: YamlFile, node: Node, path: str) -> None:
        self.references.append((kind, code, yf.where(node, path)))

    def check_references(self) -> None:
        for kind, code, where in self.references:
            if kind in self.unreadable:
                continue
            known = self.declared.get(kind, {})
            if code not in known:
                listed = ", ".join(known) or "none"
                message = f"unknown {kind} {code!r} (known: {listed})"
                self.problems.append(OrgProblem(where, message))


# --- lists of records --------------------------------------------------------------------------

Reader = Callable[[Load, YamlFile, Node, str], "Record[T] | None"]


def read_list(load: Load, name: str, key: str, kind: str, reader: Reader[T]) -> list[Record[T]]:
    """Read `key: [records]` from file `name`, one record per item, each declaring a `kind`."""
    load.unreadable.add(kind)
    yf, root = load.open(name)
    if root is None:
        return []
    fields = yf.mapping(root, "", required=(key,))
    if fields is None or key not in fields:
        return []
    items = yf.sequence(fields[key], key)
    if items is None:
        return []
    if not items:
        yf.report(fields[key], key, "the list is empty")
        return []
    load.unreadable.discard(kind)
    records = [reader(load, yf, item, f"{key}[{i}]") for i, item in enumerate(items)]
    return [r for r in records if r is not None]


def optional_field(fields: dict[str, Node], key: str, read: Callable[[Node], T | None]) -> T | None:
    """Read a key the mapping check already reported as missing, if it is there."""
    node = fields.get(key)
    if is_null(node):
        return None
    return read(cast(Node, node))


def read_code(
    load: Load, yf: YamlFile, fields: dict[str, Node], path: str, kind: str, key: str = "code"
) -> str | None:
    node = fields.get(key)
    if is_null(node):
        return None
    key_path = f"{path}.{key}" if path else key
    code = yf.string(cast(Node, node), key_path)
    if code is None:
        return None
    if not _CODE.match(code):
        message = f"invalid {kind} {key} {code!r} (lower-case letters, digits, '_', '.', '-')"
        yf.report(node, key_path, message)
        return None
    load.declare(kind, code, yf, cast(Node, node), key_path)
    return code


def read_reference(
    load: Load, yf: YamlFile, fields: dict[str, Node], path: str, key: str, kind: str
) -> str | None:
    node = fields.get(key)
    if is_null(node):
        return None
    key_path = f"{path}.{key}" if path else key
    code = yf.string(cast(Node, node), key_path)
    if code is not None:
        load.refer(kind, code, yf, cast(Node, node), key_path)
    return code


def read_references(
    load: Load, yf: YamlFile, node: Node, path: str, kind: str
) -> tuple[str, ...] | None:
    codes = yf.string_list(node, path)
    if codes is None:
        return None
    items = cast(list[Node], node.value)
    for i, (code, item) in enumerate(zip(codes, items, strict=True)):
        load.refer(kind, code, yf, item, f"{path}[{i}]")
    return codes


def read_text(yf: YamlFile) -> str | None:
    try:
        return yf.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        yf.report(None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        yf.report(None, "", f"cannot read the file: {exc.strerror}")
    return None


def short_location(where: Location) -> str:
    return f"{where.file.name} line {where.line}"
