"""The checks every service function starts with."""

from __future__ import annotations

from intake.services.errors import Forbidden
from intake.services.principal import Principal
from workflow.accounts import Role


def require_role(principal: Principal, *roles: Role) -> None:
    if not principal.has_role(*roles):
        wanted = " or ".join(str(role) for role in roles)
        raise Forbidden(f"this needs the {wanted} role; {principal.username} is {principal.role}")


def require_unit(principal: Principal, unit: str) -> None:
    if not principal.may_work_unit(unit):
        raise Forbidden(f"{principal.username} does not work for unit '{unit}'")


def visible_units(principal: Principal, all_units: list[str]) -> list[str]:
    return [unit for unit in all_units if principal.may_work_unit(unit)]
