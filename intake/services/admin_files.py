"""Changing the organisation's YAML and Markdown files from the screens.

The new text is first written into a temporary copy of the org folder and the whole organisation
is validated there with `load_organisation`; only a valid organisation replaces the real file,
atomically (write beside it, then rename), with an audit event, and the running app reloads it.
A refused edit leaves the folder exactly as it was.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from intake.app import App
from intake.services.errors import NotFound, Refused
from workflow.audit import record
from workflow.db import unit_of_work
from workflow.org import Organisation, OrgError, load_organisation
from workflow.org_loader import KB_FOLDER, ORG_FILES

# One edit at a time per process: two admins saving at once must not interleave validate/replace.
_EDITING = threading.Lock()
# The audit trail keeps the change itself, up to this size.
_MAX_DIFF_CHARS = 20_000


@dataclass(frozen=True)
class FileProblem:
    """A problem of the organisation, pinned to a file of the org folder (relative name)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        line = f", line {self.line}" if self.line is not None else ""
        return f"{self.file}{line}: {self.message}"


class InvalidOrganisation(Refused):
    """The edit would make the organisation invalid; nothing was written."""

    def __init__(self, file: str, problems: tuple[FileProblem, ...]) -> None:
        self.file = file
        self.problems = problems
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        listed = "; ".join(str(p) for p in problems)
        super().__init__(f"{file} was not saved, {count}: {listed}")


@dataclass(frozen=True)
class OrgFile:
    """The text of one file of the org folder and the version it was read at."""

    name: str
    text: str
    version: str


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def org_file_path(app: App, name: str) -> Path:
    """The file `name` of the org folder; only the organisation's own files may be named."""
    folder = Path(app.settings.org_dir)
    parts = Path(name).parts
    allowed = name in ORG_FILES or (
        len(parts) == 2 and parts[0] == KB_FOLDER and name.endswith(".md") and ".." not in parts
    )
    if not allowed:
        raise NotFound(f"'{name}' is not a file of the organisation")
    return folder / name


def read_org_file(app: App, name: str) -> OrgFile:
    path = org_file_path(app, name)
    if not path.is_file():
        raise NotFound(f"{name} does not exist in {app.settings.org_dir}")
    text = path.read_text(encoding="utf-8")
    return OrgFile(name, text, version_of(text))


def problems_of(error: OrgError, folder: Path) -> tuple[FileProblem, ...]:
    """The loader's problems with their file named relative to `folder`."""
    found = []
    for problem in error.problems:
        try:
            file = problem.where.file.relative_to(folder).as_posix()
        except ValueError:
            file = problem.where.file.name
        where = f"{problem.where.path}: " if problem.where.path else ""
        found.append(FileProblem(file, problem.where.line, f"{where}{problem.message}"))
    return tuple(found)


def check_organisation(folder: Path) -> tuple[FileProblem, ...]:
    """Every problem of the organisation in `folder`; empty when it loads."""
    try:
        load_organisation(folder)
    except OrgError as error:
        return problems_of(error, folder)
    return ()


def normalised(text: str) -> str:
    """Browsers send CRLF from a textarea; the files keep LF and end with a newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def replace_org_file(
    app: App,
    name: str,
    text: str,
    *,
    actor: str,
    action: str,
    expected_version: str | None = None,
) -> Organisation:
    """Validate the organisation with `text` as file `name`, then put it in place and reload.

    `expected_version` (from `OrgFile.version`) refuses to overwrite a change someone else saved
    since the editor was opened."""
    text = normalised(text)
    with _EDITING:
        target = org_file_path(app, name)
        before = target.read_text(encoding="utf-8") if target.is_file() else ""
        if expected_version is not None and version_of(before) != expected_version:
            raise Refused(
                f"{name} was changed by someone else since you opened it; reload the page, "
                "your text is kept below"
            )
        problems = _problems_with(Path(app.settings.org_dir), name, text)
        if problems:
            raise InvalidOrganisation(name, problems)
        _write_atomically(target, text)
        try:
            organisation = app.reload_organisation()
        except OrgError as error:
            # Another file changed on disk between the check and the reload: put ours back.
            _write_atomically(target, before)
            problems = problems_of(error, Path(app.settings.org_dir))
            raise InvalidOrganisation(name, problems) from None
        with unit_of_work(app.sessions) as session:
            record(
                session,
                actor,
                "organisation",
                name,
                action,
                before=version_of(before),
                after=version_of(text),
                diff=_diff(name, before, text),
            )
    return organisation


def _problems_with(folder: Path, name: str, text: str) -> tuple[FileProblem, ...]:
    with tempfile.TemporaryDirectory(prefix="intake-org-") as scratch:
        copy = Path(scratch) / "org"
        shutil.copytree(folder, copy)
        (copy / name).write_text(text, encoding="utf-8")
        return check_organisation(copy)


def _write_atomically(target: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of it."""
    partial = target.with_name(f".{target.name}.saving")
    with partial.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)


def _diff(name: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), name, name, n=1
    )
    return "".join(lines)[:_MAX_DIFF_CHARS]
