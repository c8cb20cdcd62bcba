"""Reports and search in the REST API: the same service layer and access rules as the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from intake.services import search
from intake.services.reports import period_of
from intake.services.reports_tables import Cell, report_table
from intake.web.api import Caller
from intake.web.security import application
from workflow.search import SearchHit

router = APIRouter(prefix="/api/v1", tags=["reports", "search"])

From = Annotated[str | None, Query(alias="from", description="First day, YYYY-MM-DD")]


class ReportOut(BaseModel):
    name: str
    title: str
    first_day: str
    last_day: str
    bucket: str
    timezone: str
    columns: list[str]
    rows: list[dict[str, Cell]]


class SearchOut(BaseModel):
    total: int
    offset: int
    limit: int
    hits: list[SearchHit]


@router.get("/reports/{name}")
def get_report(
    request: Request,
    name: str,
    principal: Caller,
    first: From = None,
    to: Annotated[str | None, Query(description="Last day, YYYY-MM-DD")] = None,
    bucket: Annotated[str | None, Query(description="day or week")] = None,
) -> ReportOut:
    """One report over a period of local dates: channels, topics, pareto, sentiment or
    attainment (supervisors and administrators)."""
    app = application(request)
    table = report_table(app, principal, name, period_of(app, first, to, bucket))
    return ReportOut(
        name=table.name,
        title=table.title,
        first_day=table.period.first.isoformat(),
        last_day=table.period.last.isoformat(),
        bucket=str(table.period.size),
        timezone=table.period.timezone,
        columns=list(table.columns),
        rows=table.records(),
    )


@router.get("/search")
def search_contacts(
    request: Request,
    principal: Caller,
    q: str = "",
    topic: str = "",
    product: str = "",
    sentiment: str = "",
    channel: str = "",
    first: Annotated[str, Query(alias="from")] = "",
    to: str = "",
    page: int = 1,
) -> SearchOut:
    """Contacts the caller may see whose text, subject, sender or answers hold every word;
    matched words are the segments with `hit` true."""
    form = search.SearchForm(q, topic, product, sentiment, channel, first, to, page)
    found = search.search_contacts(application(request), principal, form).page
    return SearchOut(
        total=found.total, offset=found.offset, limit=found.limit, hits=list(found.hits)
    )
