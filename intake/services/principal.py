"""Who is acting: a signed-in person or another system's API token, with what they may touch."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.accounts import Role
from workflow.models import User

# Roles that see every unit's work; the others only their own units.
_OVERSEERS = (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: Role
    units: tuple[str, ...]
    agent_id: str | None

    @property
    def actor(self) -> str:
        """The name written into tasks and the audit trail."""
        return self.agent_id or self.username

    @property
    def sees_all_units(self) -> bool:
        return self.role in _OVERSEERS

    def may_work_unit(self, unit: str) -> bool:
        return self.sees_all_units or unit in self.units

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles or self.role is Role.ADMIN


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        units=user.units,
        agent_id=user.agent_id,
    )
