"""The supervisor's dashboard: the whole page once, then its live part as a fragment that HTMX
fetches every few seconds (the page reloads itself where HTMX is not available)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from intake.services import dashboard
from intake.services.principal import Principal
from intake.web.dashboard_chart import stacked_bars
from intake.web.security import application, current_principal
from intake.web.templating import render

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]

# How often the live part is fetched again.
REFRESH_SECONDS = 5


def age_text(minutes: float | None) -> str:
    """ "12 min", "3h05", "2d 4h": how long the oldest item has waited."""
    if minutes is None:
        return "-"
    whole = max(int(minutes), 0)
    if whole < 60:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    if hours < 24:
        return f"{hours}h{rest:02d}"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def _context(request: Request, principal: Principal) -> dict[str, object]:
    app = application(request)
    board = dashboard.dashboard(app, principal)
    chart = stacked_bars(board.hours, board.channels, app.organisation.timezone)
    return {
        "board": board,
        "chart": chart,
        "age": age_text,
        "refresh_seconds": REFRESH_SECONDS,
        "states": _state_counts(board),
        "agents": sorted(board.agents, key=lambda a: (_STATE_ORDER[a.state], a.name)),
    }


# Busy agents first (who is working on what), then who could take work, then who is away.
_STATE_ORDER = {
    dashboard.AgentState.BUSY: 0,
    dashboard.AgentState.FREE: 1,
    dashboard.AgentState.ABSENT: 2,
}


def _state_counts(board: dashboard.Dashboard) -> dict[str, int]:
    counts = {str(state): 0 for state in dashboard.AgentState}
    for agent in board.agents:
        counts[agent.state] += 1
    return counts


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, principal: Reader) -> Response:
    return render(request, "dashboard.html", _context(request, principal))


@router.get("/dashboard/live", response_class=HTMLResponse)
def dashboard_live(request: Request, principal: Reader) -> Response:
    """The live part alone, for HTMX to swap in."""
    return render(request, "dashboard_live.html", _context(request, principal))
