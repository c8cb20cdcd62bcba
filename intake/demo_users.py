"""Accounts for trying the screens on the demo organisation, one per role.

They share one password, printed by `intake demo`; they are for a demo home only, and
`intake users password` changes any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.app import App
from intake.services.accounts import create_user
from workflow.accounts import Role, find_user
from workflow.db import unit_of_work

DEMO_PASSWORD = "intake-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    units: tuple[str, ...]
    agent_id: str | None


def demo_accounts(app: App) -> list[DemoAccount]:
    """One account per role, tied to an agent of the organisation where there is one."""
    org = app.organisation
    kinds = {unit.code: unit.kind for unit in org.units}
    wanted = (
        (Role.MAILROOM, "mailroom"),
        (Role.BACKOFFICE, "line"),
        (Role.AGENT, "callcentre"),
    )
    accounts: list[DemoAccount] = []
    for role, kind in wanted:
        agent = next((a for a in org.agents if kinds.get(a.units[0]) == kind), None)
        if agent is not None:
            accounts.append(DemoAccount(agent.id, agent.name, role, tuple(agent.units), agent.id))
    accounts.append(DemoAccount("supervisor", "Supervisor", Role.SUPERVISOR, (), None))
    accounts.append(DemoAccount("admin", "Administrator", Role.ADMIN, (), None))
    return accounts


def ensure_demo_users(app: App) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; returns every demo account."""
    accounts = demo_accounts(app)
    with unit_of_work(app.sessions) as session:
        for account in accounts:
            if find_user(session, account.username) is None:
                create_user(
                    session,
                    username=account.username,
                    display_name=account.display_name,
                    role=account.role,
                    password=DEMO_PASSWORD,
                    units=account.units,
                    agent_id=account.agent_id,
                    actor="demo",
                )
    return accounts
