"""Surge simulator: deadlines met under a 2x Monday on the demo organisation, per policy.

The ordinary week of `samples/org/simulation.yaml` (each unit loaded to about 90% of its agents'
hours) is run first without a surge, to show the load and attainment of a normal week, then with
Monday at twice the volume, for 5 days, under FIFO, priority only and least slack with overflow,
on the same contacts. The figure of the issue is least slack with overflow minus FIFO, in
percentage points of all contacts (goal: at least 15); it is also given for the contacts that
arrived on the surge day, and over several seeds. Speed: events per second of each policy, as a
ratio to FIFO's in the same run (overflow checks cost the extra).

    .venv/bin/python benchmarks/simulator.py [--seeds 5] [--days 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workflow.business_time import business_calendar  # noqa: E402
from workflow.org import Organisation, load_organisation  # noqa: E402
from workflow.simulation.events import SimulationResult  # noqa: E402
from workflow.simulation.policies import POLICIES  # noqa: E402
from workflow.simulation.report import summarise  # noqa: E402
from workflow.simulation.runs import PolicyRun, run_policies  # noqa: E402
from workflow.simulation.scenario import Scenario, load_scenario  # noqa: E402

ORG = REPO / "samples" / "org"
MONDAY = date(2026, 11, 23)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N for the spread")
    parser.add_argument("--days", type=int, default=5)
    args = parser.parse_args()
    org = load_organisation(ORG)
    week = load_scenario(org, ORG / "simulation.yaml", MONDAY)
    print("Normal week (no surge), seed 1:")
    _print_units(org, run_policies(org, week, POLICIES, args.days, seed=1))
    surged = week.with_surges({0: 2.0})
    print("\nMonday x2, seed 1:")
    first = run_policies(org, surged, POLICIES, args.days, seed=1)
    _print_units(org, first)
    _print_speed(first)
    _print_misses(org, first)
    _print_seeds(org, surged, args.days, args.seeds, first)


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


def _print_speed(runs: tuple[PolicyRun, ...]) -> None:
    baseline = runs[0].events_per_second
    print("\n| policy | events | events/s | ratio to FIFO |")
    print("|---|---:|---:|---:|")
    for run in runs:
        ratio = run.events_per_second / baseline
        print(
            f"| {run.result.policy.title} | {run.result.events:,} | "
            f"{run.events_per_second:,.0f} | {ratio:.2f} |"
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
    org: Organisation, surged: Scenario, days: int, seeds: int, first: tuple[PolicyRun, ...]
) -> None:
    print(
        "\n| seed | FIFO | least slack with overflow | difference (pp) | Monday's contacts (pp) |"
    )
    print("|---:|---:|---:|---:|---:|")
    differences = []
    for seed in range(1, seeds + 1):
        runs = first if seed == 1 else run_policies(org, surged, POLICIES, days, seed)
        fifo, least_slack = runs[0].result, runs[-1].result
        all_fifo, all_slack = _met(fifo, None), _met(least_slack, None)
        monday = _met(least_slack, MONDAY) - _met(fifo, MONDAY)
        differences.append(all_slack - all_fifo)
        print(
            f"| {seed} | {all_fifo:.1f}% | {all_slack:.1f}% | {all_slack - all_fifo:+.1f} | "
            f"{monday:+.1f} |"
        )
    spread = statistics.stdev(differences) if len(differences) > 1 else 0.0
    print(
        f"\nLeast slack with overflow - FIFO: {statistics.mean(differences):+.1f} pp "
        f"(mean of {seeds} seeds, sd {spread:.1f}); goal +15 pp: "
        f"{'met' if statistics.mean(differences) >= 15 else 'NOT met'}"
    )


def _met(result: SimulationResult, day: date | None) -> float:
    """Percent of deadlines met, of all contacts or of those that arrived on `day`."""
    tz = result.start.tzinfo
    chosen = [
        o for o in result.outcomes if day is None or o.arrived_at.astimezone(tz).date() == day
    ]
    return 100.0 * sum(o.met_deadline for o in chosen) / len(chosen)


if __name__ == "__main__":
    main()
