"""REST API: contacts (listed a page at a time) and cases by reference, for other systems, with
the access rules of the caller's account."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request

from intake.services import contact_listing
from intake.services.contact_listing import ContactPage, ContactQuery
from intake.services.contacts import CaseView
from intake.web.api import Caller
from intake.web.security import application

router = APIRouter(prefix="/api/v1", tags=["contacts and cases"])


@router.get("/contacts")
def list_contacts(
    request: Request,
    principal: Caller,
    since: Annotated[
        datetime | None, Query(description="Received at or after (ISO 8601; no zone = org's).")
    ] = None,
    topic: Annotated[str | None, Query(description="Only contacts with this topic.")] = None,
    unit: Annotated[
        str | None, Query(description="Only contacts whose case is in this unit.")
    ] = None,
    before: Annotated[
        int | None, Query(description="The `next_before` of the previous page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=contact_listing.MAX_PAGE)] = 50,
) -> ContactPage:
    """Contacts the caller may see, newest first."""
    app = application(request)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=ZoneInfo(app.organisation.timezone))
    query = ContactQuery(since=since, topic=topic, unit=unit, before=before, limit=limit)
    return contact_listing.list_contacts(app, principal, query)


@router.get("/cases/{reference}")
def get_case(request: Request, reference: str, principal: Caller) -> CaseView:
    """A case with its answers, calls, comments, routing trail and contact ids."""
    return contact_listing.case_by_reference(application(request), principal, reference)
