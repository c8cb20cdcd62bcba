"""Each report as one flat table: the CSV export and the JSON of the API share it, so a
spreadsheet and another system read the same columns."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from intake.app import App
from intake.services import reports
from intake.services.principal import Principal
from workflow.report_periods import Period
from workflow.reports import TimeSeries

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    period: Period
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def records(self) -> list[dict[str, Cell]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows(["" if cell is None else cell for cell in row] for row in self.rows)
        return out.getvalue()


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _long(series: TimeSeries, with_share: bool) -> tuple[tuple[Cell, ...], ...]:
    """One row per bucket and label (buckets in order, labels as the report orders them)."""
    totals = series.totals
    rows: list[tuple[Cell, ...]] = []
    for i, start in enumerate(series.buckets):
        for line in series.series:
            row: tuple[Cell, ...] = (start.isoformat(), line.label, line.counts[i])
            if with_share:
                row += (_share(line.counts[i] / totals[i]) if totals[i] else None,)
            rows.append(row)
    return tuple(rows)


def report_table(app: App, principal: Principal, name: str, period: Period) -> Table:
    info = reports.report_info(name)
    if name in ("channels", "topics"):
        by = "channel" if name == "channels" else "topic"
        data = reports.volumes(app, principal, period, by)
        columns: tuple[str, ...] = ("period_start", by, "contacts")
        rows = _long(data, with_share=False)
    elif name == "sentiment":
        data = reports.sentiment(app, principal, period)
        columns = ("period_start", "sentiment", "contacts", "share")
        rows = _long(data, with_share=True)
    elif name == "pareto":
        pareto = reports.topic_pareto(app, principal, period)
        columns = ("rank", "topic", "contacts", "share", "cumulative_share")
        rows = tuple(
            (rank, row.topic, row.contacts, _share(row.share), _share(row.cumulative_share))
            for rank, row in enumerate(pareto.rows, start=1)
        )
    else:
        attained = reports.attainment(app, principal, period)
        columns = ("unit", "completed", "on_time", "late", "without_deadline", "attainment")
        rows = tuple(
            (r.unit, r.completed, r.on_time, r.late, r.without_deadline, _share(r.attainment))
            for r in attained.rows
        )
    return Table(info.name, info.title, period, columns, rows)
