"""The mailroom's part of the REST API, for a scanning station that posts its batches itself:
upload scans, follow them through the pipeline, and verify the fields OCR was not sure of."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from intake.services import mailroom, mailroom_upload, mailroom_verification
from intake.services.mailroom import MailroomOverview
from intake.services.mailroom_upload import UploadedFile, UploadResult
from intake.services.mailroom_verification import VerificationQueue
from intake.verification import Verified
from intake.web.api import Caller
from intake.web.security import application, refuse_cross_site

router = APIRouter(prefix="/api/v1/mailroom", tags=["mailroom"])


class VerifyIn(BaseModel):
    value: Annotated[str | None, Field(max_length=4000)] = Field(
        default=None, description="The right value; null accepts the value as read."
    )


class Released(BaseModel):
    field_id: int
    # False when the caller did not hold the field (someone else did, or nobody).
    released: bool


@router.get("/scans")
def recent_scans(request: Request, principal: Caller) -> MailroomOverview:
    """Recent scans grouped by batch file, each document with its stage, unit or quarantine
    reason, and how many form fields wait for verification."""
    return mailroom.overview(application(request), principal)


@router.post("/uploads")
def upload_scans(
    request: Request,
    principal: Caller,
    files: Annotated[list[UploadFile], File(description="TIFF, PDF, PNG or JPEG scans.")],
) -> list[UploadResult]:
    """Store the files as scans (split at separator sheets); the pipeline reads them next."""
    app = application(request)
    limit = mailroom_upload.upload_limit(app)
    chosen = [UploadedFile(file.filename or "", file.file.read(limit + 1)) for file in files]
    return mailroom_upload.upload_scans(app, principal, chosen)


@router.get("/fields/next", dependencies=[Depends(refuse_cross_site)])
def next_field(request: Request, principal: Caller, after: int | None = None) -> VerificationQueue:
    """Claim the field to verify now (after field `after`, which is given back, coming round to
    the start); nobody else gets it until it is answered, skipped, released or its lease ends."""
    return mailroom_verification.next_in_queue(application(request), principal, after)


@router.get("/fields/{field_id}", dependencies=[Depends(refuse_cross_site)])
def one_field(request: Request, field_id: int, principal: Caller) -> VerificationQueue:
    """Claim this field if it is free; else `held` says who holds it and until when."""
    return mailroom_verification.field_at(application(request), principal, field_id)


@router.post("/fields/{field_id}/release")
def release_field(request: Request, field_id: int, principal: Caller) -> Released:
    """Give a field the caller holds back to the queue."""
    released = mailroom_verification.release(application(request), principal, field_id)
    return Released(field_id=field_id, released=released)


@router.post("/fields/{field_id}/verify")
def verify_field(request: Request, field_id: int, body: VerifyIn, principal: Caller) -> Verified:
    value = body.value.strip() if body.value is not None else None
    return mailroom_verification.verify(application(request), principal, field_id, value or None)


@router.get(
    "/fields/{field_id}/crop",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The field as scanned."}},
)
def field_crop(request: Request, field_id: int, principal: Caller) -> Response:
    crop = mailroom_verification.field_crop(application(request), principal, field_id)
    return Response(crop.png, media_type="image/png")
