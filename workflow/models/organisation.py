"""Units and agents as rows, mirrored from the organisation's YAML so tasks can refer to them."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.models.base import Base

agent_units = Table(
    "agent_units",
    Base.metadata,
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_code", ForeignKey("units.code", ondelete="CASCADE"), primary_key=True),
)


class Unit(Base):
    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    calendar: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(default=True)

    units: Mapped[list[Unit]] = relationship(secondary=agent_units)
