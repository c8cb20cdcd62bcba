"""Sign-in, sign-out and each role's home page."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from intake.services.accounts import sign_in
from intake.services.principal import Principal
from intake.web.redirects import local_path
from intake.web.security import (
    COOKIE,
    Visit,
    application,
    checked_visit,
    clear_session_cookie,
    current_principal,
    set_session_cookie,
)
from intake.web.templating import render
from workflow import accounts
from workflow.accounts import Role
from workflow.db import unit_of_work
from workflow.models import utcnow

router = APIRouter()

# Where each role starts its day.
HOMES: dict[Role, str] = {
    Role.MAILROOM: "/mailroom",
    Role.BACKOFFICE: "/tasks",
    Role.AGENT: "/callbacks",
    Role.SUPERVISOR: "/dashboard",
    Role.ADMIN: "/admin",
}


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, next: str | None = None) -> Response:
    return render(request, "signin.html", {"next": local_path(next) or "", "error": None})


@router.post("/signin")
def signin(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",
) -> Response:
    app = application(request)
    lifetime = timedelta(hours=app.settings.web_session_hours)
    with unit_of_work(app.sessions) as session:
        signed = sign_in(session, username, password, utcnow(), lifetime)
    if signed is None:
        context = {"next": local_path(next) or "", "error": "Wrong user name or password."}
        return render(request, "signin.html", context, status_code=401)
    target = local_path(next) or HOMES[signed.principal.role]
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, signed.session_token)
    return response


@router.post("/signout")
def signout(request: Request, visit: Annotated[Visit, Depends(checked_visit)]) -> Response:
    app = application(request)
    token = request.cookies.get(COOKIE, "")
    with unit_of_work(app.sessions) as session:
        accounts.close_session(session, token)
    response = RedirectResponse("/signin", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/")
def home(principal: Annotated[Principal, Depends(current_principal)]) -> Response:
    return RedirectResponse(HOMES[principal.role], status_code=303)
