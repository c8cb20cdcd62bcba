"""`intake simulate`: a surge (Monday claims, a campaign, an outage) played through the real
routing and queue rules under several policies, for supervisors to plan staffing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from intake.config import ConfigError, load_settings
from workflow.org import Organisation, OrgError, load_organisation
from workflow.org_models import WEEKDAY_NAMES, ServiceLevel
from workflow.simulation.chart import draw_chart
from workflow.simulation.policies import POLICIES, Policy, policy_named
from workflow.simulation.report import PolicyReport, UnitFigures, summarise
from workflow.simulation.runs import PolicyRun, run_policies
from workflow.simulation.scenario import (
    SCENARIO_FILE,
    Scenario,
    ScenarioError,
    load_scenario,
    next_monday,
    parse_surge,
)

console = Console()
BASELINE = "fifo"


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def simulate(
    org: Annotated[
        Path | None,
        typer.Option("--org", help="Organisation folder (default: the configured org_dir)."),
    ] = None,
    days: Annotated[int, typer.Option(help="Days of arrivals to simulate.", min=1, max=60)] = 5,
    surge: Annotated[
        list[str] | None,
        typer.Option(help="WEEKDAY=FACTOR, e.g. monday=2.0 for twice the volume; repeatable."),
    ] = None,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            help="fifo, priority, least-slack or strict-slack; repeatable "
            "(default: the first three)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random arrivals and times.")] = 1,
    chart: Annotated[
        Path | None, typer.Option(help="Write a PNG: backlog over time, deadlines met.")
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(help=f"Scenario YAML (default: {SCENARIO_FILE} in the org folder)."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="TOML settings file.")
    ] = None,
) -> None:
    """Simulate arrivals, routing, queues and agents; compare deadline attainment per policy."""
    organisation = _organisation(org, config)
    folder = org or load_settings(config).org_dir
    plan = _scenario(organisation, folder, scenario, surge or [])
    policies = _policies(policy or [])
    runs = run_policies(organisation, plan, policies, days, seed)
    reports = tuple(summarise(organisation, run.result) for run in runs)
    _print_header(plan, days, seed, runs)
    for run, report in zip(runs, reports, strict=True):
        console.print(_table(report, run))
    for line in _comparison(reports):
        console.print(line, soft_wrap=True)
    if chart is not None:
        draw_chart(tuple(run.result for run in runs), reports, chart)
        console.print(f"Chart written to {escape(str(chart))}", soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(2)


def _organisation(org: Path | None, config: Path | None) -> Organisation:
    try:
        return load_organisation(org or load_settings(config).org_dir)
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}") from None
    except OrgError as error:
        raise _fail(f"Organisation error: {error}") from None


def _scenario(org: Organisation, folder: Path, path: Path | None, surges: list[str]) -> Scenario:
    if path is None and (folder / SCENARIO_FILE).is_file():
        path = folder / SCENARIO_FILE
    try:
        factors = dict(parse_surge(text) for text in surges)
        return load_scenario(org, path, next_monday(date.today())).with_surges(factors)
    except ScenarioError as error:
        raise _fail(f"Scenario error: {error}") from None


def _policies(names: list[str]) -> tuple[Policy, ...]:
    if not names:
        return POLICIES
    try:
        return tuple(policy_named(name) for name in dict.fromkeys(names))
    except ValueError as error:
        raise _fail(f"--policy: {error}") from None


def _print_header(plan: Scenario, days: int, seed: int, runs: tuple[PolicyRun, ...]) -> None:
    surges = [
        f"{WEEKDAY_NAMES[day]} x{factor:g}" for day, factor in enumerate(plan.surges) if factor != 1
    ]
    contacts = len(runs[0].result.outcomes) if runs else 0
    console.print(
        f"{contacts} contacts over {days} days from {plan.start:%a %Y-%m-%d}, "
        f"surge: {', '.join(surges) or 'none'}, seed {seed}"
    )
    if plan.service_levels:
        console.print(
            "Deadline policies of the scenario (over deadlines.yaml): "
            + ", ".join(_service_level_text(level) for level in plan.service_levels),
            soft_wrap=True,
        )


def _service_level_text(level: ServiceLevel) -> str:
    applies = [f"topic {level.topic}"] if level.topic else []
    applies += [f"priority {level.priority}"] if level.priority is not None else []
    scope = ", ".join(applies) or "when a rule names it"
    return f"{level.code} ({scope}: {level.first_response_hours:g} h)"


def _table(report: PolicyReport, run: PolicyRun) -> Table:
    moves = (
        f", {report.overflow_moves} moved to a backup unit" if run.result.policy.overflow else ""
    )
    table = Table(
        Column("unit", no_wrap=True),
        "contacts",
        "load",
        "deadlines met",
        "mean wait (bh)",
        "p95 wait (bh)",
        "max backlog",
        title=f"{report.title}: {report.events} events, {run.events_per_second:,.0f}/s{moves}",
    )
    for figures in (*report.units, report.total):
        table.add_row(*_cells(figures), end_section=figures is report.units[-1])
    return table


def _cells(figures: UnitFigures) -> list[str]:
    unanswered = f" ({figures.unanswered} unanswered)" if figures.unanswered else ""
    return [
        figures.unit,
        str(figures.contacts),
        "" if figures.load is None else f"{figures.load:.0%}",
        f"{figures.met_percent:.1f}%{unanswered}",
        f"{figures.mean_wait_hours:.2f}",
        f"{figures.p95_wait_hours:.2f}",
        str(figures.max_backlog),
    ]


def _comparison(reports: tuple[PolicyReport, ...]) -> list[str]:
    """Deadlines met per policy, then each policy against FIFO in percentage points."""
    lines = [
        "Deadlines met: " + "; ".join(f"{r.title} {r.total.met_percent:.1f}%" for r in reports)
    ]
    baseline = next((r for r in reports if r.policy == BASELINE), None)
    if baseline is not None:
        lines += [
            f"{r.title} - FIFO: {r.total.met_percent - baseline.total.met_percent:+.1f} pp"
            for r in reports
            if r is not baseline
        ]
    return lines
