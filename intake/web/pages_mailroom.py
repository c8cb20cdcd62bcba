"""The mailroom station: upload a scanned batch, watch the scans go through the pipeline, and
verify the form fields OCR was not sure of, one after the other, from the keyboard."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from intake.channels.items import Outcome
from intake.services import mailroom, mailroom_upload, mailroom_verification
from intake.services.errors import Refused
from intake.services.mailroom_upload import UploadedFile, UploadResult
from intake.services.principal import Principal
from intake.verification import Verified
from intake.web.security import (
    Visit,
    application,
    checked_visit,
    current_principal,
    refuse_cross_site,
)
from intake.web.templating import render

router = APIRouter()

Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Visit, Depends(checked_visit)]

# While a scan is still on its way, the list asks the server again this often.
POLL_SECONDS = 3


def _is_htmx(request: Request) -> bool:
    return bool(request.headers.get("HX-Request"))


def _to(path: str, **query: str | int | None) -> RedirectResponse:
    wanted = {key: value for key, value in query.items() if value not in (None, "")}
    target = f"{path}?{urlencode(wanted)}" if wanted else path
    return RedirectResponse(target, status_code=303)


@router.get("/mailroom", response_class=HTMLResponse)
def station(request: Request, principal: Reader, done: str | None = None) -> Response:
    app = application(request)
    view = mailroom.overview(app, principal)
    context = {
        "overview": view,
        "done": done,
        "poll_seconds": POLL_SECONDS,
        "upload_limit_mb": mailroom_upload.upload_limit(app) // 1_000_000,
        "suffixes": mailroom_upload.UPLOAD_SUFFIXES,
    }
    # HTMX polls for the list alone; a browser without it gets the whole page.
    template = "mailroom_scans.html" if _is_htmx(request) else "mailroom.html"
    return render(request, template, context)


@router.post("/mailroom/upload")
def upload(
    request: Request,
    visit: Writer,
    files: Annotated[list[UploadFile] | None, File(description="The scanned files.")] = None,
) -> Response:
    app = application(request)
    limit = mailroom_upload.upload_limit(app)
    # One byte past the limit is enough to know a file is too big, without holding all of it.
    chosen = [
        UploadedFile(file.filename or "", file.file.read(limit + 1))
        for file in files or ()
        if file.filename or file.size
    ]
    if not chosen:
        return _to("/mailroom", done="No file was chosen: pick the scanned files first.")
    results = mailroom_upload.upload_scans(app, visit.principal, chosen)
    return _to("/mailroom", done=_summary(results))


# Up to this many files, each one is named in the confirmation; beyond, only the exceptions.
_NAMED_FILES = 10


def _summary(results: list[UploadResult]) -> str:
    stored = sum(1 for result in results if result.outcome is Outcome.STORED)
    named = [
        result.describe()
        for result in results
        if len(results) <= _NAMED_FILES or result.outcome is not Outcome.STORED
    ]
    return " ".join([f"{stored} of {len(results)} files stored; being read now.", *named])


@router.get(
    "/mailroom/verify", response_class=HTMLResponse, dependencies=[Depends(refuse_cross_site)]
)
def verify_page(
    request: Request,
    principal: Reader,
    after: int | None = None,
    done: str | None = None,
    problem: str | None = None,
) -> Response:
    queue = mailroom_verification.next_in_queue(application(request), principal, after)
    context = {"queue": queue, "done": done, "problem": problem}
    template = "verify_panel.html" if _is_htmx(request) else "verify.html"
    return render(request, template, context)


@router.get(
    "/mailroom/verify/{field_id}",
    response_class=HTMLResponse,
    dependencies=[Depends(refuse_cross_site)],
)
def verify_one(request: Request, field_id: int, principal: Reader) -> Response:
    """One field by its address: taken when free, else shown with who holds it now."""
    queue = mailroom_verification.field_at(application(request), principal, field_id)
    context = {"queue": queue, "done": None, "problem": None}
    template = "verify_panel.html" if _is_htmx(request) else "verify.html"
    return render(request, template, context)


@router.post("/mailroom/verify/{field_id}", response_class=HTMLResponse)
def verify_field(
    request: Request,
    field_id: int,
    visit: Writer,
    value: Annotated[str | None, Form()] = None,
) -> Response:
    """Accept (no value), pick a suggestion or store a typed correction; then the next field."""
    app = application(request)
    typed = value.strip() if value is not None else ""
    done: str | None = None
    problem: str | None = None
    try:
        verified = mailroom_verification.verify(app, visit.principal, field_id, typed or None)
        done = _said(verified)
    except Refused as refusal:
        # A colleague was quicker: say so and carry on with the queue.
        problem = str(refusal)
    if not _is_htmx(request):
        return _to("/mailroom/verify", after=field_id, done=done, problem=problem)
    queue = mailroom_verification.next_in_queue(app, visit.principal, field_id)
    context = {"queue": queue, "done": done, "problem": problem}
    return render(request, "verify_panel.html", context)


def _said(verified: Verified) -> str:
    name = verified.name.replace("_", " ").capitalize()
    said = (
        f"{name} corrected to “{verified.value}”."
        if verified.corrected
        else f"{name} accepted as “{verified.value}”."
    )
    if verified.task_done:
        said += " Every field of that contact is verified; its task is done."
    return said


@router.get("/mailroom/fields/{field_id}/crop")
def field_crop(request: Request, field_id: int, principal: Reader) -> Response:
    crop = mailroom_verification.field_crop(application(request), principal, field_id)
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(crop.png, media_type="image/png", headers=headers)
