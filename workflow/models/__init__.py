"""The system of record, grouped by aggregate."""

from workflow.models.access import ApiToken, User, UserUnit, WebSession
from workflow.models.audit import AuditEvent
from workflow.models.base import Base, utcnow
from workflow.models.cases import Case, CaseStatus, Task, TaskKind, TaskStatus
from workflow.models.contacts import Contact, ContactStatus, Document, DocumentRole, Stage
from workflow.models.customers import Customer
from workflow.models.forms import ContactField, FieldStatus, ScanBatch
from workflow.models.learning import LabelCorrection
from workflow.models.mail import (
    DeliveryFailure,
    FetchRun,
    MailboxState,
    MailLedgerEntry,
    OutboxMessage,
)
from workflow.models.organisation import Agent, Unit, agent_units
from workflow.models.work import Answer, CallbackAttempt, Incident, TaskComment

__all__ = [
    "Agent",
    "Answer",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CallbackAttempt",
    "Case",
    "CaseStatus",
    "Contact",
    "ContactField",
    "ContactStatus",
    "Customer",
    "DeliveryFailure",
    "Document",
    "DocumentRole",
    "FetchRun",
    "FieldStatus",
    "Incident",
    "LabelCorrection",
    "MailLedgerEntry",
    "MailboxState",
    "OutboxMessage",
    "ScanBatch",
    "Stage",
    "Task",
    "TaskComment",
    "TaskKind",
    "TaskStatus",
    "Unit",
    "User",
    "UserUnit",
    "WebSession",
    "agent_units",
    "utcnow",
]
