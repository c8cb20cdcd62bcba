"""What every command group of the `intake` CLI shares: the --config option and how an error
for a person is printed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML settings file (default: intake.toml).")
]


def fail(message: str) -> typer.Exit:
    """Print an error for a person (unwrapped, on stderr) and give the exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(2)
