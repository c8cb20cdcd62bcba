"""Problems found in an organisation folder, each pinned to a file, a line and a key path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    file: Path
    line: int | None
    path: str


@dataclass(frozen=True)
class OrgProblem:
    where: Location
    message: str

    def __str__(self) -> str:
        line = f", line {self.where.line}" if self.where.line is not None else ""
        path = f" {self.where.path}:" if self.where.path else ""
        return f"{self.where.file}{line}:{path} {self.message}"


class OrgError(Exception):
    """The organisation folder is invalid; `problems` lists every problem found, in file order."""

    def __init__(self, problems: list[OrgProblem] | tuple[OrgProblem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        header = "1 problem" if count == 1 else f"{count} problems"
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"invalid organisation, {header}:\n{lines}")
