"""Session cookies, the signed-in person of a request, and CSRF protection of every form.

The cookie carries a random token (only its hash is in the database); it is HttpOnly and
SameSite=Lax, and Secure over HTTPS or when `web_secure_cookies` is set. Every state-changing
request must carry the session's CSRF token, as a form field or the `X-CSRF-Token` header that
the pages set for HTMX.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response

from intake.app import App
from intake.services.accounts import principal_for_session
from intake.services.errors import Forbidden
from intake.services.principal import Principal
from workflow.models import utcnow

COOKIE = "intake_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class SignInRequired(Exception):
    """No live session: pages redirect to the sign-in form, the API answers 401."""


@dataclass(frozen=True)
class Visit:
    """The signed-in person of one request and the CSRF token their forms must carry."""

    principal: Principal
    csrf_token: str


def application(request: Request) -> App:
    app: App = request.app.state.intake
    return app


def current_visit(request: Request) -> Visit:
    cached = getattr(request.state, "visit", None)
    if cached is not None:
        return cached
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired()
    app = application(request)
    try:
        with app.sessions() as session:
            principal, csrf = principal_for_session(session, token, utcnow())
    except LookupError:
        raise SignInRequired() from None
    visit = Visit(principal, csrf)
    request.state.visit = visit
    return visit


def current_principal(request: Request) -> Principal:
    return current_visit(request).principal


async def checked_visit(request: Request) -> Visit:
    """The visit of a state-changing request, after its CSRF token has been checked."""
    visit = current_visit(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, visit.csrf_token):
        raise Forbidden("the form is stale or did not come from Intake (CSRF check); reload it")
    return visit


def refuse_cross_site(request: Request) -> None:
    """For a GET that takes work (the verification queue claims the field it shows): a link on
    another site must not make a signed-in person claim fields. Browsers name where a request
    came from in `Sec-Fetch-Site`; a cross-site one is refused. Clients of the API with a token
    send no such header and are not affected."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("a link from another site cannot take work for you; open it from Intake")


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    app = application(request)
    lifetime = timedelta(hours=app.settings.web_session_hours)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=app.settings.web_secure_cookies or request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")
