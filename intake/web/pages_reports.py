"""The reports page for supervisors and administrators, and each report's CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from intake.services import reports
from intake.services.principal import Principal
from intake.services.reports_tables import report_table
from intake.web import charts
from intake.web.security import application, current_principal
from intake.web.templating import render
from workflow.report_periods import BucketSize, Period
from workflow.reports import TimeSeries

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]
# `from` is a Python keyword; the period's first day arrives under that name.
From = Annotated[str | None, Query(alias="from", description="First day, YYYY-MM-DD")]


@dataclass(frozen=True)
class SeriesView:
    """A time series as the page shows it: the chart and a table with one row per bucket."""

    chart: Markup
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...], int], ...]


def bucket_label(day: date, size: BucketSize) -> str:
    return f"wk {day:%d.%m}" if size is BucketSize.WEEK else f"{day:%a %d.%m}"


def _series_view(
    chart_id: str, title: str, data: TimeSeries, *, y_label: str, shares: bool = False
) -> SeriesView:
    labels = tuple(series.label for series in data.series)
    names = [bucket_label(day, data.period.size) for day in data.buckets]
    totals = data.totals
    bars = []
    for i, name in enumerate(names):
        values = tuple(float(series.counts[i]) for series in data.series)
        if shares:
            values = tuple(v / totals[i] if totals[i] else 0.0 for v in values)
        bars.append(charts.Bar(name, values))
    x_label = "week starting" if data.period.size is BucketSize.WEEK else "day"
    chart = charts.stacked_bars(
        chart_id, title, bars, labels, x_label=x_label, y_label=y_label, percent=shares
    )
    rows = tuple(
        (name, tuple(series.counts[i] for series in data.series), totals[i])
        for i, name in enumerate(names)
    )
    colours = tuple(charts.colour(i, label) for i, label in enumerate(labels))
    return SeriesView(chart, labels, colours, rows)


def _query(period: Period) -> str:
    return f"from={period.first}&to={period.last}&bucket={period.size}"


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    principal: Reader,
    first: From = None,
    to: str | None = None,
    bucket: str | None = None,
) -> Response:
    app = application(request)
    period = reports.period_of(app, first, to, bucket)
    channels = reports.volumes(app, principal, period, "channel")
    topics = reports.volumes(app, principal, period, "topic")
    sentiment = reports.sentiment(app, principal, period)
    pareto = reports.topic_pareto(app, principal, period)
    attained = reports.attainment(app, principal, period)
    context = {
        "period": period,
        "query": _query(period),
        "infos": {info.name: info for info in reports.REPORTS},
        "total": sum(channels.totals),
        "channels": _series_view("channels", "Contacts by channel", channels, y_label="contacts"),
        "topics": _series_view("topics", "Contacts by topic", topics, y_label="contacts"),
        "sentiment": _series_view(
            "sentiment", "Share of sentiment", sentiment, y_label="share", shares=True
        ),
        "pareto": pareto,
        "pareto_chart": charts.pareto_chart(
            "pareto",
            "Pareto of topics",
            [row.topic for row in pareto.rows],
            [row.contacts for row in pareto.rows],
            [row.cumulative_share for row in pareto.rows],
            x_label="topic, most frequent first",
            y_label="contacts",
        ),
        "attainment": attained,
        "unit_names": {unit.code: unit.name for unit in app.organisation.units},
        "attainment_chart": charts.horizontal_shares(
            "attainment",
            "Deadline attainment per unit",
            [row.unit for row in attained.rows],
            [row.attainment for row in attained.rows],
        ),
    }
    return render(request, "reports.html", context)


@router.get("/reports/{name}.csv")
def report_csv(
    request: Request,
    name: str,
    principal: Reader,
    first: From = None,
    to: str | None = None,
    bucket: str | None = None,
) -> Response:
    app = application(request)
    period = reports.period_of(app, first, to, bucket)
    table = report_table(app, principal, name, period)
    filename = f"intake-{name}-{period.first}-{period.last}.csv"
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
