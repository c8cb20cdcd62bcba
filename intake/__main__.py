"""`python -m intake` runs the command line."""

from intake.cli import app

app(prog_name="intake")
