"""Administration: the organisation (units, agents, absences, rules, articles), its edits, the
user accounts and the quarantine. Supervisors read; administrators change (enforced by the
services, the pages only leave out the forms)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from intake.services import admin, admin_absences, admin_texts, admin_users, quarantine
from intake.services.admin_files import InvalidOrganisation, OrgFile
from intake.services.admin_users import NewAccount
from intake.services.errors import Refused
from intake.services.principal import Principal
from intake.web.redirects import back_with_notice
from intake.web.security import Visit, application, checked_visit, current_principal
from intake.web.templating import render
from workflow.accounts import Role
from workflow.org_models import Absence

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Visit, Depends(checked_visit)]

_ROLES = tuple(str(role) for role in Role)


def _organisation_page(
    request: Request, principal: Principal, done: str | None, error: str | None = None
) -> Response:
    overview = admin.organisation_overview(application(request), principal)
    context = {"org": overview, "done": done, "error": error, "section": "organisation"}
    return render(request, "admin.html", context, status_code=409 if error else 200)


@router.get("/admin", response_class=HTMLResponse)
def organisation(request: Request, principal: Reader, done: str | None = None) -> Response:
    return _organisation_page(request, principal, done)


@router.post("/admin/absences")
def add_absence(
    request: Request,
    visit: Writer,
    agent: Annotated[str, Form()],
    substitute: Annotated[str, Form()],
    starts: Annotated[date, Form()],
    ends: Annotated[date, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    absence = Absence(agent, starts, ends, substitute, reason.strip())
    try:
        change = admin_absences.add_absence(application(request), visit.principal, absence)
    except Refused as refusal:
        return _organisation_page(request, visit.principal, None, str(refusal))
    return back_with_notice("/admin", _with_moves(change))


@router.post("/admin/absences/end")
def end_absence(
    request: Request,
    visit: Writer,
    agent: Annotated[str, Form()],
    starts: Annotated[date, Form()],
) -> Response:
    change = admin_absences.end_absence(application(request), visit.principal, agent, starts)
    return back_with_notice("/admin", change.summary)


def _with_moves(change: admin_absences.AbsenceChange) -> str:
    moved = len(change.substitutions)
    if not moved:
        return change.summary
    tasks = "1 open task" if moved == 1 else f"{moved} open tasks"
    return f"{change.summary} {tasks} went to the substitute."


def _editor(
    request: Request,
    file: OrgFile,
    *,
    title: str,
    action: str,
    back: str,
    done: str | None = None,
    error: Refused | None = None,
) -> Response:
    problems = error.problems if isinstance(error, InvalidOrganisation) else ()
    context = {
        "file": file,
        "title": title,
        "action": action,
        "back": back,
        "done": done,
        "error": None if problems else error,
        "problems": problems,
        "section": "rules" if action == "/admin/rules" else "organisation",
    }
    status = 200 if error is None else 422 if problems else error.status_code
    return render(request, "admin_editor.html", context, status_code=status)


@router.get("/admin/rules", response_class=HTMLResponse)
def rules(request: Request, principal: Reader, done: str | None = None) -> Response:
    app = application(request)
    overview = admin.organisation_overview(app, principal)
    file = admin_texts.rules_file(app, principal)
    context = {"org": overview, "file": file, "done": done, "section": "rules"}
    return render(request, "admin_rules.html", context)


@router.post("/admin/rules")
def save_rules(
    request: Request,
    visit: Writer,
    text: Annotated[str, Form()],
    version: Annotated[str, Form()] = "",
) -> Response:
    try:
        saved = admin_texts.save_rules(application(request), visit.principal, text, version or None)
    except Refused as refusal:
        file = OrgFile("rules.yaml", text, version)
        return _editor(
            request,
            file,
            title="Routing rules",
            action="/admin/rules",
            back="/admin/rules",
            error=refusal,
        )
    return back_with_notice("/admin/rules", saved.summary)


@router.get("/admin/kb/{article_id}", response_class=HTMLResponse)
def article(
    request: Request, article_id: str, principal: Reader, done: str | None = None
) -> Response:
    file = admin_texts.article_file(application(request), principal, article_id)
    return _editor(
        request,
        file,
        title=f"Article {article_id}",
        action=f"/admin/kb/{quote(article_id)}",
        back="/admin#articles",
        done=done,
    )


@router.post("/admin/kb/{article_id}")
def save_article(
    request: Request,
    article_id: str,
    visit: Writer,
    text: Annotated[str, Form()],
    version: Annotated[str, Form()] = "",
) -> Response:
    app = application(request)
    try:
        saved = admin_texts.save_article(app, visit.principal, article_id, text, version or None)
    except Refused as refusal:
        name = getattr(refusal, "file", f"article {article_id}")
        return _editor(
            request,
            OrgFile(name, text, version),
            title=f"Article {article_id}",
            action=f"/admin/kb/{quote(article_id)}",
            back="/admin#articles",
            error=refusal,
        )
    return back_with_notice("/admin", saved.summary)


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, principal: Reader, done: str | None = None) -> Response:
    app = application(request)
    context = {
        "accounts": admin_users.list_accounts(app, principal),
        "roles": _ROLES,
        "may_edit": principal.role is Role.ADMIN,
        "done": done,
        "section": "users",
    }
    return render(request, "admin_users.html", context)


@router.post("/admin/users")
def create_user(
    request: Request,
    visit: Writer,
    username: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    units: Annotated[str, Form()] = "",
    agent_id: Annotated[str, Form()] = "",
) -> Response:
    new = NewAccount(
        username=username,
        display_name=display_name,
        role=role,
        password=password,
        units=tuple(code for code in units.replace(",", " ").split() if code),
        agent_id=agent_id.strip() or None,
    )
    account = admin_users.create_account(application(request), visit.principal, new)
    return back_with_notice("/admin/users", f"Account {account.username} ({account.role}) created.")


@router.post("/admin/users/{username}/active")
def set_active(
    request: Request, username: str, visit: Writer, active: Annotated[bool, Form()]
) -> Response:
    admin_users.set_account_active(application(request), visit.principal, username, active)
    state = "enabled" if active else "disabled and signed out"
    return back_with_notice("/admin/users", f"Account {username} {state}.")


@router.post("/admin/users/{username}/password")
def reset_password(
    request: Request, username: str, visit: Writer, password: Annotated[str, Form()]
) -> Response:
    admin_users.reset_password(application(request), visit.principal, username, password)
    return back_with_notice(
        "/admin/users", f"New password set for {username}; they were signed out."
    )


@router.get("/admin/quarantine", response_class=HTMLResponse)
def quarantine_list(request: Request, principal: Reader, done: str | None = None) -> Response:
    context = {
        "items": quarantine.quarantined(application(request), principal),
        "may_edit": principal.role is Role.ADMIN,
        "done": done,
        "section": "quarantine",
    }
    return render(request, "quarantine.html", context)


@router.post("/admin/quarantine/retry")
def retry(
    request: Request, visit: Writer, contact: Annotated[list[int] | None, Form()] = None
) -> Response:
    report = quarantine.retry(application(request), visit.principal, contact or [])
    return back_with_notice("/admin/quarantine", report.summary)


@router.post("/admin/quarantine/{contact_id}/retry")
def retry_one(request: Request, contact_id: int, visit: Writer) -> Response:
    report = quarantine.retry(application(request), visit.principal, [contact_id])
    return back_with_notice("/admin/quarantine", report.summary)
