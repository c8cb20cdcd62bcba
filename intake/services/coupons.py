"""Coupon data out for the loyalty programme, as `intake export coupons` gives it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake.app import App
from intake.coupon_export import coupon_rows
from intake.services.access import require_role
from intake.services.principal import Principal
from workflow.accounts import Role


@dataclass(frozen=True)
class CouponExport:
    columns: list[str]
    rows: list[dict[str, str]]


def export_coupons(app: App, principal: Principal, since: datetime) -> CouponExport:
    """Every coupon received since `since`, one row each, one column per form field; fields
    still waiting for a person are named in `unverified_fields`."""
    require_role(principal, Role.MAILROOM, Role.SUPERVISOR)
    with app.sessions() as session:
        columns, rows = coupon_rows(session, since)
    return CouponExport(columns, rows)
