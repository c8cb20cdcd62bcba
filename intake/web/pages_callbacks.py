"""The call centre's screens: the agent's callback list and one callback with the whole story of
its case, where the agent claims it and records how each call went."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from intake.services import callbacks
from intake.services.callbacks import CallRecorded
from intake.services.principal import Principal
from intake.web.redirects import back_with_notice
from intake.web.security import Visit, application, checked_visit, current_principal
from intake.web.templating import render
from workflow.callbacks import CallOutcome
from workflow.models import Task, TaskKind
from workflow.tasks import Claim

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Visit, Depends(checked_visit)]

# The buttons of the outcome form: label and access key (Alt+Shift+key in most browsers).
OUTCOME_BUTTONS: tuple[tuple[CallOutcome, str, str], ...] = (
    (CallOutcome.REACHED, "Reached", "r"),
    (CallOutcome.NO_ANSWER, "No answer", "n"),
    (CallOutcome.WRONG_NUMBER, "Wrong number", "w"),
)


@router.get("/callbacks", response_class=HTMLResponse)
def callback_list(request: Request, principal: Reader, done: str | None = None) -> Response:
    listing = callbacks.list_callbacks(application(request), principal)
    template = "callback_rows.html" if request.headers.get("HX-Request") else "callbacks.html"
    return render(request, template, {"listing": listing, "done": done})


@router.post("/callbacks/claim-next")
def claim_next(request: Request, visit: Writer) -> Response:
    claim = callbacks.claim_most_urgent_callback(application(request), visit.principal)
    return back_with_notice(_page_of(request, claim), "Claimed the most urgent callback: call now.")


def _page_of(request: Request, claim: Claim) -> str:
    # A call-centre unit holds callbacks, but a task reassigned there keeps its own page.
    with application(request).sessions() as session:
        kind = session.get_one(Task, claim.task_id).kind
    return f"/callbacks/{claim.task_id}" if kind == TaskKind.CALLBACK else f"/tasks/{claim.task_id}"


@router.get("/callbacks/{task_id}", response_class=HTMLResponse)
def callback_page(
    request: Request, task_id: int, principal: Reader, done: str | None = None
) -> Response:
    app = application(request)
    detail = callbacks.callback_detail(app, principal, task_id)
    context = {
        "callback": detail,
        "outcomes": OUTCOME_BUTTONS,
        "topics": app.organisation.topics,
        "done": done,
    }
    return render(request, "callback.html", context)


@router.post("/callbacks/{task_id}/claim")
def claim(request: Request, task_id: int, visit: Writer) -> Response:
    callbacks.claim_callback(application(request), visit.principal, task_id)
    return back_with_notice(
        f"/callbacks/{task_id}", "Claimed: the callback is yours, call the customer."
    )


@router.post("/callbacks/{task_id}/release")
def release(request: Request, task_id: int, visit: Writer) -> Response:
    callbacks.release_callback(application(request), visit.principal, task_id)
    return back_with_notice("/callbacks", f"Callback {task_id} is back on the list.")


@router.post("/callbacks/{task_id}/outcome")
def outcome(
    request: Request,
    task_id: int,
    visit: Writer,
    outcome: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    app = application(request)
    recorded = callbacks.record_call(app, visit.principal, task_id, outcome, note)
    return back_with_notice("/callbacks", outcome_message(recorded, request))


def outcome_message(recorded: CallRecorded, request: Request) -> str:
    """What the agent is told after a call, in the organisation's time zone."""
    what = recorded.outcome.replace("_", " ")
    head = f"Call {recorded.attempt} on {recorded.case_reference} recorded: {what}."
    if recorded.case_closed:
        return f"{head} The callback is done and case {recorded.case_reference} is closed."
    zone = ZoneInfo(application(request).organisation.timezone)
    due = "-"
    if recorded.next_due_at is not None:
        due = recorded.next_due_at.astimezone(zone).strftime("%a %d.%m %H:%M")
    return f"{head} Next try due {due}; the callback is back on the list."
