"""Writing the append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from workflow.models import AuditEvent


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


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
