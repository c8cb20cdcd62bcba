"""Mirror the organisation's units and agents into the database, where tasks refer to them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.audit import record
from workflow.models import Agent as AgentRow
from workflow.models import Unit as UnitRow
from workflow.org_models import Organisation


def sync_organisation(session: Session, org: Organisation, actor: str = "admin") -> None:
    """Insert or update every unit and agent.

    Ones no longer in the files are deactivated, not deleted: old tasks still point at them."""
    units = {row.code: row for row in session.scalars(select(UnitRow))}
    for unit in org.units:
        row = units.get(unit.code) or UnitRow(code=unit.code)
        changed = (row.name, row.kind, row.email, row.calendar, row.active) != (
            unit.name,
            unit.kind,
            unit.email,
            unit.calendar,
            True,
        )
        row.name, row.kind, row.email, row.calendar, row.active = (
            unit.name,
            unit.kind,
            unit.email,
            unit.calendar,
            True,
        )
        if unit.code not in units:
            session.add(row)
            units[unit.code] = row
        if changed:
            record(session, actor, "unit", unit.code, "synced", name=unit.name, kind=unit.kind)
    for code, row in units.items():
        if row.active and code not in {u.code for u in org.units}:
            row.active = False
            record(session, actor, "unit", code, "deactivated")
    session.flush()

    agents = {row.id: row for row in session.scalars(select(AgentRow))}
    for agent in org.agents:
        row = agents.get(agent.id) or AgentRow(id=agent.id)
        row.name, row.email, row.active = agent.name, agent.email, True
        row.units = [units[code] for code in agent.units]
        if agent.id not in agents:
            session.add(row)
            record(session, actor, "agent", agent.id, "synced", units=list(agent.units))
    for agent_id, row in agents.items():
        if row.active and agent_id not in {a.id for a in org.agents}:
            row.active = False
            record(session, actor, "agent", agent_id, "deactivated")
