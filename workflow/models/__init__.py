"""The system of record, grouped by aggregate."""

from workflow.models.audit import AuditEvent
from workflow.models.base import Base, utcnow
from workflow.models.cases import Case, CaseStatus, Task, TaskKind, TaskStatus
from workflow.models.contacts import Contact, ContactStatus, Document, DocumentRole, Stage
from workflow.models.customers import Customer
from workflow.models.organisation import Agent, Unit, agent_units

__all__ = [
    "Agent",
    "AuditEvent",
    "Base",
    "Case",
    "CaseStatus",
    "Contact",
    "ContactStatus",
    "Customer",
    "Document",
    "DocumentRole",
    "Stage",
    "Task",
    "TaskKind",
    "TaskStatus",
    "Unit",
    "agent_units",
    "utcnow",
]
