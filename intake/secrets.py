"""Secrets named in the configuration but kept out of it: an environment variable, a file, or a
command that prints the value (e.g. an OAuth refresh helper). Never logged, never stored."""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class SecretError(ValueError):
    """A secret that cannot be read; the message says where it was looked for, never its value."""


@dataclass(frozen=True)
class Secret:
    env: str = ""
    file: str = ""
    command: str = ""
    # Only for tests and local experiments; a literal in a config file is a smell, so it is
    # never shown by repr.
    literal: str = field(default="", repr=False)

    @property
    def configured(self) -> bool:
        return bool(self.env or self.file or self.command or self.literal)

    def describe(self) -> str:
        if self.env:
            return f"environment variable {self.env}"
        if self.file:
            return f"file {self.file}"
        if self.command:
            return f"command {shlex.split(self.command)[0]!r}"
        return "a literal value" if self.literal else "nothing"

    def reveal(self) -> str:
        """The value, read fresh each time, so a rotated token is picked up."""
        if self.env:
            value = os.environ.get(self.env)
            if value is None:
                raise SecretError(f"environment variable {self.env} is not set")
            return value
        if self.file:
            try:
                return Path(self.file).expanduser().read_text(encoding="utf-8").strip()
            except OSError as error:
                raise SecretError(f"cannot read {self.file}: {error.strerror}") from None
        if self.command:
            try:
                done = subprocess.run(
                    shlex.split(self.command), capture_output=True, text=True, timeout=30
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                raise SecretError(f"{self.describe()} failed: {error}") from None
            if done.returncode != 0:
                raise SecretError(f"{self.describe()} exited with {done.returncode}")
            return done.stdout.strip()
        if self.literal:
            return self.literal
        raise SecretError("no secret configured")
