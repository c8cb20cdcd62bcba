"""Surge simulator: deadlines met under a 2x Monday on the demo organisation, per policy.

The ordinary week of `samples/org/simulation.yaml` (each unit loaded to about 90% of its agents'
hours) is run first without a surge, to show the load and attainment of a normal week, then with
Monday at twice the volume, for 5 days, under FIFO, priority only, least slack with overflow
(production: lost work last) and strict least slack with overflow (the order before, for
comparison), on the same contacts. The figure of the issue is least slack with overflow minus
FIFO, in percentage points of all contacts (goal: at least 15); it is also given for the contacts
that arrived on the surge day, and over several seeds. Two more scenarios are reported the same
way: `samples/org/simulation-outage.yaml` (technical contacts x3 on the Tuesday) and
`samples/org/simulation-same-day.yaml` (the same week with a first answer promised within 4
business hours, shown first without and then with the Monday x2 surge). Speed: events per second
and process CPU time of each policy, as a ratio to FIFO's in the same run (overflow checks cost
the extra).

    .venv/bin/python benchmarks/simulator.py [--seeds 5] [--days 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workflow.business_time import business_calendar  # noqa: E402
from workflow.org import Organisation, load_organisation  # noqa: E402
from workflow.simulation.events import SimulationResult  # noqa: E402
from workflow.simulation.policies import ALL_POLICIES  # noqa: E402
from workflow.simulation.report import summarise  # noqa: E402
from workflow.simulation.runs import PolicyRun, run_policies  # noqa: E402
from workflow.simulation.scenario import Scenario, load_scenario  # noqa: E402

ORG = REPO / "samples" / "org"
OUTAGE = ORG / "simulation-outage.yaml"
SAME_DAY = ORG / "simulation-same-day.yaml"
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N for the spread")
    parser.add_argument("--days", type=int, default=5)
    args = parser.parse_args()
    began = time.process_time()
    org = load_organisation(ORG)
    week = load_scenario(org, ORG / "simulation.yaml", MONDAY)
    print("Normal week (no surge), seed 1:")
    _print_units(org, run_policies(org, week, ALL_POLICIES, args.days, seed=1))
    same_day = load_scenario(org, SAME_DAY, MONDAY)
    print("\nSame-day promise (first answer within 4 business hours), no surge, seed 1:")
    _print_units(org, run_policies(org, same_day, ALL_POLICIES, args.days, seed=1))
    scenarios = (
        ("Monday x2", week.with_surges({0: 2.0}), MONDAY),
        ("Outage (technical x3 on Tuesday)", load_scenario(org, OUTAGE, MONDAY), TUESDAY),
        ("Same-day promise, Monday x2", same_day.with_surges({0: 2.0}), MONDAY),
    )
    for title, scenario, surge_day in scenarios:
        print(f"\n## {title}, seed 1:")
        first = run_policies(org, scenario, ALL_POLICIES, args.days, seed=1)
        _print_units(org, first)
        _print_speed(org, scenario, args.days, first)
        _print_misses(org, first)
        _print_seeds(org, scenario, surge_day, args.days, args.seeds, first)
    print(f"\nWhole benchmark: {time.process_time() - began:.1f} s process CPU time")


def _print_units(org: Organisation, runs: tuple[PolicyRun, ...]) -> None:
    reports = [summarise(org, run.result) for run in runs]
    print(f"| unit | load | {' | '.join(r.title for r in reports)} |")
    print(f"|---|---:|{'---:|' * len(reports)}")
    for index, figures in enumerate(reports[0].units):
        load = f"{figures.load:.0%}" if figures.load is not None else ""
        met = " | ".join(f"{r.units[index].met_percent:.1f}%" for r in reports)
        print(f"| {figures.unit} | {load} | {met} |")
    totals = " | ".join(f"**{r.total.met_percent:.1f}%**" for r in reports)
    print(f"| all units ({reports[0].total.contacts} contacts) | | {totals} |")
    waits = " | ".join(
        f"{r.total.mean_wait_hours:.2f} / {r.total.p95_wait_hours:.2f}" for r in reports
    )
    print(f"| mean / p95 wait, business hours | | {waits} |")


def _print_speed(
    org: Organisation, scenario: Scenario, days: int, runs: tuple[PolicyRun, ...]
) -> None:
    """Wall-clock rate of the comparison run, and process CPU time of each policy run alone
    (best of 3, the contacts drawn again from the same seed)."""
    cpu = {}
    for policy in ALL_POLICIES:
        times = []
        for _ in range(3):
            began = time.process_time()
            run_policies(org, scenario, (policy,), days, seed=1)
            times.append(time.process_time() - began)
        cpu[policy.name] = min(times)
    baseline = runs[0].events_per_second
    fifo_cpu = cpu[runs[0].result.policy.name]
    print("\n| policy | events | events/s | ratio to FIFO | CPU s (best of 3) | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for run in runs:
        ratio = run.events_per_second / baseline
        seconds = cpu[run.result.policy.name]
        print(
            f"| {run.result.policy.title} | {run.result.events:,} | "
            f"{run.events_per_second:,.0f} | {ratio:.2f} | {seconds:.2f} | "
            f"{seconds / fifo_cpu:.2f} |"
        )


def _print_misses(org: Organisation, runs: tuple[PolicyRun, ...]) -> None:
    """Missed deadlines by how long the contact had (business hours from arrival to deadline):
    only contacts that miss under FIFO can be saved by another order."""
    print(
        "\n| deadline after | contacts | " + " | ".join(r.result.policy.title for r in runs) + " |"
    )
    print("|---|---:|" + "---:|" * len(runs))
    classes = ("up to 4 h", "4-8 h", "over 8 h")
    counts = {name: 0 for name in classes}
    missed = {(name, run.result.policy.name): 0 for name in classes for run in runs}
    for run in runs:
        for outcome in run.result.outcomes:
            unit = org.unit(outcome.original_unit or outcome.unit)
            calendar = business_calendar(org.calendar(unit.calendar))
            hours = calendar.business_hours_between(outcome.arrived_at, outcome.due_at)
            name = classes[0] if hours <= 4 else classes[1] if hours <= 8 else classes[2]
            counts[name] += run is runs[0]
            missed[(name, run.result.policy.name)] += not outcome.met_deadline
    for name in classes:
        cells = " | ".join(f"{missed[(name, r.result.policy.name)]} missed" for r in runs)
        print(f"| {name} | {counts[name]} | {cells} |")


def _print_seeds(
    org: Organisation,
    scenario: Scenario,
    surge_day: date,
    days: int,
    seeds: int,
    first: tuple[PolicyRun, ...],
) -> None:
    """Deadlines met per seed: FIFO, then each other policy minus FIFO in percentage points
    (of all contacts; in brackets, of the contacts that arrived on the surge day)."""
    others = [run.result.policy for run in first[1:]]
    print("\n| seed | FIFO | " + " | ".join(f"{p.title} - FIFO (pp)" for p in others) + " |")
    print("|---:|---:|" + "---:|" * len(others))
    gains: dict[str, list[float]] = {p.name: [] for p in others}
    # The unit where FIFO misses most in the first run: where a better order matters.
    worst = min(summarise(org, first[0].result).units, key=lambda u: u.met_percent).unit
    unit_gains: dict[str, list[float]] = {p.name: [] for p in others}
    for seed in range(1, seeds + 1):
        runs = first if seed == 1 else run_policies(org, scenario, ALL_POLICIES, days, seed)
        fifo = runs[0].result
        cells = []
        for run in runs[1:]:
            gain = _met(run.result, None) - _met(fifo, None)
            on_surge_day = _met(run.result, surge_day) - _met(fifo, surge_day)
            gains[run.result.policy.name].append(gain)
            unit_gains[run.result.policy.name].append(
                _unit_met(org, run.result, worst) - _unit_met(org, fifo, worst)
            )
            cells.append(f"{gain:+.1f} ({on_surge_day:+.1f})")
        print(f"| {seed} | {_met(fifo, None):.1f}% | " + " | ".join(cells) + " |")
    for policy in others:
        for where, values in (("all units", gains[policy.name]), (worst, unit_gains[policy.name])):
            spread = statistics.stdev(values) if len(values) > 1 else 0.0
            print(
                f"{policy.title} - FIFO, {where}: {statistics.mean(values):+.1f} pp "
                f"(mean of {seeds} seeds, sd {spread:.1f})"
            )
    mean = statistics.mean(gains["least-slack"])
    print(f"Goal +15 pp for least slack with overflow: {'met' if mean >= 15 else 'NOT met'}")


def _unit_met(org: Organisation, result: SimulationResult, unit: str) -> float:
    figures = next(u for u in summarise(org, result).units if u.unit == unit)
    return figures.met_percent


def _met(result: SimulationResult, day: date | None) -> float:
    """Percent of deadlines met, of all contacts or of those that arrived on `day`."""
    tz = result.start.tzinfo
    chosen = [
        o for o in result.outcomes if day is None or o.arrived_at.astimezone(tz).date() == day
    ]
    return 100.0 * sum(o.met_deadline for o in chosen) / len(chosen)


if __name__ == "__main__":
    main()
