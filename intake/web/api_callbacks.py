"""The call centre's part of the REST API: the callback list and recording a call's outcome.
Claim a callback first with POST /api/v1/tasks/{id}/claim, as on the screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from intake.services import callbacks
from intake.services.callbacks import CallbackDetail, CallbackList, CallRecorded
from intake.web.api import Caller
from intake.web.security import application
from workflow.callbacks import CallOutcome

router = APIRouter(prefix="/api/v1", tags=["callbacks"])


class OutcomeIn(BaseModel):
    outcome: CallOutcome = Field(description="How the call went.")
    note: Annotated[str, Field(max_length=4000)] = ""


@router.get("/callbacks")
def list_callbacks(request: Request, principal: Caller, limit: int = 100) -> CallbackList:
    """Callbacks of the caller's call-centre units, least slack first."""
    return callbacks.list_callbacks(application(request), principal, min(max(limit, 1), 500))


@router.get("/callbacks/{task_id}")
def get_callback(request: Request, task_id: int, principal: Caller) -> CallbackDetail:
    return callbacks.callback_detail(application(request), principal, task_id)


@router.post("/callbacks/{task_id}/outcome")
def record_outcome(
    request: Request, task_id: int, call: OutcomeIn, principal: Caller
) -> CallRecorded:
    """Record a call on a callback the caller holds: the next try's due time, or the case
    closed."""
    return callbacks.record_call(application(request), principal, task_id, call.outcome, call.note)
