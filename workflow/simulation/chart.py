"""The PNG a supervisor looks at: contacts waiting over time under each policy, and the share
of deadlines met per unit side by side."""

from __future__ import annotations

from pathlib import Path

# The Figure API draws without pyplot's global state or a display: the chart is only a file.
from matplotlib.figure import Figure

from workflow.simulation.events import SimulationResult
from workflow.simulation.report import PolicyReport


def draw_chart(
    results: tuple[SimulationResult, ...], reports: tuple[PolicyReport, ...], path: Path
) -> None:
    """Backlog over time (all units) above, deadlines met per unit below; one colour a policy."""
    figure = Figure(figsize=(11, 8), layout="constrained")
    backlog, attainment = figure.subplots(2, 1)
    for result in results:
        times = [sample.at for sample in result.backlog]
        waiting = [sum(n for _, n in sample.waiting) for sample in result.backlog]
        backlog.plot(times, waiting, label=result.policy.title, linewidth=1.5)
    backlog.set_title("Contacts waiting (all units)")
    backlog.set_ylabel("contacts")
    backlog.legend()
    backlog.grid(alpha=0.3)
    units = [figures.unit for figures in reports[0].units] if reports else []
    width = 0.8 / max(len(reports), 1)
    for index, report in enumerate(reports):
        met = {figures.unit: figures.met_percent for figures in report.units}
        positions = [u + index * width for u in range(len(units))]
        attainment.bar(positions, [met.get(unit, 0.0) for unit in units], width, label=report.title)
    attainment.set_xticks([u + width * (len(reports) - 1) / 2 for u in range(len(units))])
    attainment.set_xticklabels(units, rotation=30, ha="right")
    attainment.set_ylim(0, 105)
    attainment.set_ylabel("deadlines met (%)")
    attainment.set_title("Deadlines met per unit")
    attainment.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=len(reports))
    attainment.grid(axis="y", alpha=0.3)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100, format="png")
