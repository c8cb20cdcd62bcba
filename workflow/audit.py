"""Writing the append-only audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from workflow.bulk_insert import insert_without_ids
from workflow.models import AuditEvent, utcnow


def record(
    session: Session, actor: str, entity_type: str, entity_id: object, action: str, **detail: Any
) -> AuditEvent:
    """Add an audit event to the session's transaction, so it commits with its change."""
    event = AuditEvent(
        actor=actor,
        entity_type=entity_type,
        entity_id=str(entity_id),
        action=action,
        detail={key: _jsonable(value) for key, value in detail.items()},
    )
    session.add(event)
    return event


@dataclass
class AuditRows:
    """Audit events gathered for one multi-row INSERT: a batch writer records dozens of events
    whose ids nobody reads, and an ORM object each cost more than the row itself."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, actor: str, entity_type: str, entity_id: object, action: str, **detail: Any
    ) -> None:
        self.rows.append(
            {
                "at": utcnow(),
                "actor": actor,
                "entity_type": entity_type,
                "entity_id": str(entity_id),
                "action": action,
                "detail": {key: _jsonable(value) for key, value in detail.items()},
            }
        )

    def write(self, session: Session) -> None:
        """Insert the gathered events in the session's transaction, in the order recorded."""
        if self.rows:
            table = AuditEvent.__table__
            assert isinstance(table, Table)
            insert_without_ids(session, table, self.rows)
            self.rows = []


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
