"""The REST API under /api/v1 for other systems: bearer tokens (`intake users token`), JSON in
and out, the same service layer and the same access rules as the pages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from intake.services import contacts, tasks
from intake.services.accounts import principal_for_api_token
from intake.services.contacts import ContactView
from intake.services.principal import Principal
from intake.services.tasks import TaskDetail
from intake.web.security import SignInRequired, application
from workflow.db import unit_of_work
from workflow.models import utcnow
from workflow.queue import TaskRow

router = APIRouter(prefix="/api/v1", tags=["api"])

_bearer = HTTPBearer(auto_error=False, description="An API token from `intake users token`.")


def api_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise SignInRequired()
    app = application(request)
    try:
        with unit_of_work(app.sessions) as session:
            return principal_for_api_token(session, credentials.credentials, utcnow())
    except LookupError:
        raise SignInRequired() from None


Caller = Annotated[Principal, Depends(api_principal)]


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    units: list[str]
    agent_id: str | None


class TaskListOut(BaseModel):
    unit: str
    tasks: list[TaskRow]


class AnswerIn(BaseModel):
    body: str = Field(min_length=1, description="The text of the reply to the customer.")
    channel: Literal["email", "letter"] = "email"


class AnswerOut(BaseModel):
    case_reference: str
    channel: str
    outbox_id: int | None
    callback_task_id: int | None


class Done(BaseModel):
    task_id: int
    status: str


@router.get("/me")
def me(principal: Caller) -> Me:
    return Me(
        username=principal.username,
        display_name=principal.display_name,
        role=str(principal.role),
        units=list(principal.units),
        agent_id=principal.agent_id,
    )


@router.get("/tasks")
def list_tasks(
    request: Request,
    principal: Caller,
    unit: str | None = None,
    kind: str | None = None,
    limit: int = 50,
) -> TaskListOut:
    listing = tasks.list_tasks(
        application(request), principal, unit, kind=kind, limit=min(max(limit, 1), 500)
    )
    return TaskListOut(unit=listing.unit, tasks=list(listing.rows))


@router.get("/tasks/{task_id}")
def get_task(request: Request, task_id: int, principal: Caller) -> TaskDetail:
    return tasks.task_detail(application(request), principal, task_id)


@router.post("/tasks/{task_id}/claim")
def claim_task(request: Request, task_id: int, principal: Caller) -> Done:
    tasks.claim(application(request), principal, task_id)
    return Done(task_id=task_id, status="claimed")


@router.post("/tasks/{task_id}/release")
def release_task(request: Request, task_id: int, principal: Caller) -> Done:
    tasks.give_back(application(request), principal, task_id)
    return Done(task_id=task_id, status="open")


@router.post("/tasks/{task_id}/answer")
def answer_task(request: Request, task_id: int, answer: AnswerIn, principal: Caller) -> AnswerOut:
    receipt = tasks.answer(
        application(request), principal, task_id, answer.body, letter=answer.channel == "letter"
    )
    return AnswerOut(
        case_reference=receipt.case_reference,
        channel=str(receipt.channel),
        outbox_id=receipt.outbox_id,
        callback_task_id=receipt.callback_task_id,
    )


@router.get("/contacts/{contact_id}")
def get_contact(request: Request, contact_id: int, principal: Caller) -> ContactView:
    return contacts.contact_view(application(request), principal, contact_id)
