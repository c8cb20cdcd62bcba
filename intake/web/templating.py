"""Jinja2 templates with the few filters the pages share (local times, slack, confidence)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from intake.web.security import CSRF_FIELD, CSRF_HEADER, application

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _slack(minutes: float | None) -> str:
    if minutes is None:
        return "-"
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(int(abs(minutes)), 60)
    return f"{sign}{hours}h{rest:02d}"


def _percent(score: float | None) -> str:
    return "-" if score is None else f"{score * 100:.0f}%"


TEMPLATES.env.filters["slack"] = _slack
TEMPLATES.env.filters["percent"] = _percent


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    app = application(request)
    zone = ZoneInfo(app.organisation.timezone)

    def when(moment: datetime | None, pattern: str = "%a %d.%m %H:%M") -> str:
        return "-" if moment is None else moment.astimezone(zone).strftime(pattern)

    visit = getattr(request.state, "visit", None)
    values = {
        "visit": visit,
        "me": visit.principal if visit else None,
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER,
        "when": when,
        "organisation": app.organisation,
        "htmx": request.app.state.htmx_available,
        **context,
    }
    return TEMPLATES.TemplateResponse(request, template, values, status_code=status_code)
