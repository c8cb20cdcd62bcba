"""The web application: pages, the REST API, static files, and how refusals are shown."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from intake.app import App
from intake.services.errors import ServiceError
from intake.web import (
    api,
    api_admin,
    api_articles,
    api_callbacks,
    api_coupons,
    api_dashboard,
    api_mailroom,
    api_reports,
    pages_admin,
    pages_admin_kb,
    pages_auth,
    pages_callbacks,
    pages_dashboard,
    pages_mailroom,
    pages_reports,
    pages_search,
    pages_tasks,
)
from intake.web.security import SignInRequired
from intake.web.templating import render

STATIC = Path(__file__).parent / "static"
HTMX = STATIC / "vendor" / "htmx.min.js"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _sign_in_required(request: Request, _: Exception) -> Response:
    if _is_api(request):
        return JSONResponse(
            {"detail": "a valid API token is required (Authorization: Bearer ...)"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    target = f"/signin?next={quote(request.url.path)}"
    if request.headers.get("HX-Request"):
        # HTMX follows this header with a full page load instead of swapping a fragment.
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, ServiceError)
    if _is_api(request):
        return JSONResponse({"detail": str(error)}, status_code=error.status_code)
    return render(request, "refused.html", {"error": error}, status_code=error.status_code)


def create_web_app(app: App) -> FastAPI:
    web = FastAPI(
        title="Intake",
        summary="Contacts, cases, tasks, callbacks and reports of the intake pipeline.",
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,
    )
    web.state.intake = app
    web.state.htmx_available = HTMX.is_file()
    web.add_exception_handler(SignInRequired, _sign_in_required)
    web.add_exception_handler(ServiceError, _refused)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        pages_auth.router,
        pages_tasks.router,
        api.router,
        # Before pages_admin: its "/admin/kb/{article_id}" would take "/admin/kb/new".
        pages_admin_kb.router,
        pages_admin.router,
        api_admin.router,
        api_articles.router,
        pages_callbacks.router,
        pages_dashboard.router,
        api_callbacks.router,
        api_dashboard.router,
        pages_mailroom.router,
        api_coupons.router,
        api_mailroom.router,
        pages_reports.router,
        pages_search.router,
        api_reports.router,
    ):
        web.include_router(router)
    return web
