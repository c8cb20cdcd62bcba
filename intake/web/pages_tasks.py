"""The back office's task list, one task with its contact, and the work on it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from intake.services import contacts, tasks
from intake.services.principal import Principal
from intake.web.redirects import back_with_notice, local_path
from intake.web.security import Visit, application, checked_visit, current_principal
from intake.web.templating import render

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Visit, Depends(checked_visit)]

# The sanitised HTML of an email is shown in a sandboxed frame that may load nothing at all:
# no scripts, no remote images or styles (tracking pixels stay silent), no forms.
_EMAIL_HTML_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; sandbox"
)


@router.get("/tasks", response_class=HTMLResponse)
def task_list(
    request: Request,
    principal: Reader,
    unit: str | None = None,
    kind: str | None = None,
    done: str | None = None,
) -> Response:
    app = application(request)
    listing = tasks.list_tasks(app, principal, unit, kind=kind or None)
    mine = tasks.my_tasks(app, principal)
    template = "task_rows.html" if request.headers.get("HX-Request") else "tasks.html"
    context = {"listing": listing, "mine": mine, "done": done, "kinds": _KINDS}
    return render(request, template, context)


_KINDS = ("answer", "triage", "verify", "callback")


@router.post("/tasks/claim-next")
def claim_next(request: Request, visit: Writer, unit: Annotated[str, Form()]) -> Response:
    claim = tasks.claim_most_urgent(application(request), visit.principal, unit)
    return back_with_notice(f"/tasks/{claim.task_id}", "Claimed the most urgent task.")


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(
    request: Request, task_id: int, principal: Reader, done: str | None = None
) -> Response:
    app = application(request)
    detail = tasks.task_detail(app, principal, task_id)
    units = [u for u in app.organisation.units if u.code != detail.unit]
    topics = app.organisation.topics
    context = {"task": detail, "units": units, "topics": topics, "done": done}
    return render(request, "task.html", context)


@router.post("/tasks/{task_id}/claim")
def claim(request: Request, task_id: int, visit: Writer) -> Response:
    tasks.claim(application(request), visit.principal, task_id)
    return back_with_notice(
        f"/tasks/{task_id}", "Claimed: the task is yours until the lease runs out."
    )


@router.post("/tasks/{task_id}/release")
def release(request: Request, task_id: int, visit: Writer) -> Response:
    tasks.giveback_with_notice(application(request), visit.principal, task_id)
    return back_with_notice("/tasks", f"Task {task_id} is back on its unit's list.")


@router.post("/tasks/{task_id}/complete")
def complete(
    request: Request, task_id: int, visit: Writer, note: Annotated[str, Form()] = ""
) -> Response:
    tasks.finish(application(request), visit.principal, task_id, note)
    return back_with_notice("/tasks", f"Task {task_id} is done.")


@router.post("/tasks/{task_id}/answer")
def answer(
    request: Request,
    task_id: int,
    visit: Writer,
    body: Annotated[str, Form()],
    channel: Annotated[str, Form()] = "email",
) -> Response:
    receipt = tasks.answer(
        application(request), visit.principal, task_id, body, letter=channel == "letter"
    )
    how = "by letter" if receipt.outbox_id is None else f"by email to {receipt.to_address}"
    message = f"Case {receipt.case_reference} answered {how}."
    if receipt.callback_task_id is not None:
        message += " A callback task went to the call centre."
    return back_with_notice("/tasks", message)


@router.post("/tasks/{task_id}/reassign")
def reassign(
    request: Request,
    task_id: int,
    visit: Writer,
    unit: Annotated[str, Form()] = "",
    agent: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    tasks.move(
        application(request),
        visit.principal,
        task_id,
        unit=unit or None,
        agent=agent or None,
        reason=reason,
    )
    return back_with_notice("/tasks", f"Task {task_id} reassigned to {unit or agent}.")


@router.post("/tasks/{task_id}/comment")
def comment(
    request: Request, task_id: int, visit: Writer, text: Annotated[str, Form()]
) -> Response:
    tasks.comment(application(request), visit.principal, task_id, text)
    return back_with_notice(f"/tasks/{task_id}", "Comment added.")


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
def contact_page(
    request: Request, contact_id: int, principal: Reader, done: str | None = None
) -> Response:
    app = application(request)
    view = contacts.contact_view(app, principal, contact_id)
    context = {"contact": view, "topics": app.organisation.topics, "done": done}
    return render(request, "contact.html", context)


@router.post("/contacts/{contact_id}/topic")
def correct_topic(
    request: Request,
    contact_id: int,
    visit: Writer,
    topic: Annotated[str, Form()],
    back: Annotated[str, Form()] = "",
) -> Response:
    unit = contacts.correct_topic(application(request), visit.principal, contact_id, topic)
    target = local_path(back) or "/tasks"
    return back_with_notice(target, f"Topic set to {topic}; the work now lies with {unit}.")


@router.get("/documents/{document_id}")
def document(request: Request, document_id: int, principal: Reader) -> Response:
    content = contacts.document_content(application(request), principal, document_id)
    headers = {
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(content.filename)}",
        "X-Content-Type-Options": "nosniff",
    }
    media_type = content.media_type
    if media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = _EMAIL_HTML_POLICY
        media_type = "text/html; charset=utf-8"
    elif not (media_type.startswith("image/") or media_type == "application/pdf"):
        # Anything else is offered as a download, never rendered by the browser.
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(content.filename)}"
    return Response(content.data, media_type=media_type, headers=headers)
