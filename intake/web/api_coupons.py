"""Coupon data for the loyalty programme's systems: JSON, or the CSV of `intake export coupons`."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from intake.coupon_export import write_csv
from intake.services.coupons import CouponExport, export_coupons
from intake.web.api import Caller
from intake.web.security import application

router = APIRouter(prefix="/api/v1", tags=["coupons"])


@router.get("/coupons", response_model=CouponExport)
def coupons(
    request: Request,
    principal: Caller,
    since: date,
    format: Literal["json", "csv"] = "json",
) -> CouponExport | Response:
    """Coupons received since the start of `since` (UTC), with their validated fields."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    export = export_coupons(application(request), principal, start)
    if format == "json":
        return export
    out = io.StringIO()
    write_csv(out, export.columns, export.rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="coupons-since-{since}.csv"'},
    )
