"""The supervisor's dashboard as JSON, for wallboards and other systems."""

from __future__ import annotations

from fastapi import APIRouter, Request

from intake.services import dashboard
from intake.services.dashboard import Dashboard
from intake.web.api import Caller
from intake.web.security import application

router = APIRouter(prefix="/api/v1", tags=["dashboard"])


@router.get("/dashboard")
def get_dashboard(request: Request, principal: Caller) -> Dashboard:
    """Queues, deadlines at risk, agents, contacts per hour and open incidents."""
    return dashboard.dashboard(application(request), principal)
