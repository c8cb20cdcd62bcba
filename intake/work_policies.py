"""The settings behind the work on tasks, as the workflow engine's policy values: leases and
capacity, callback retries, and the domain of our Message-IDs. One place for the CLI and the
service layer of the screens and the API."""

from __future__ import annotations

from datetime import timedelta

from intake.app import App
from intake.config import ConfigError, Settings
from workflow.callbacks import CallbackPolicy, parse_retry_hours
from workflow.tasks import LeasePolicy


def lease_policy(settings: Settings) -> LeasePolicy:
    return LeasePolicy(timedelta(minutes=settings.task_lease_minutes), settings.agent_capacity)


def callback_policy(settings: Settings) -> CallbackPolicy:
    try:
        retry = parse_retry_hours(settings.callback_retry_hours)
    except ValueError as error:
        raise ConfigError(f"callback_retry_hours: {error}") from None
    return CallbackPolicy(
        settings.callback_due_business_hours, retry, settings.callback_max_attempts
    )


def message_id_domain(app: App) -> str:
    """Our replies' Message-ID domain: the SMTP server's, else the triage unit's address."""
    settings = app.settings
    if settings.smtp is not None:
        return settings.smtp.resolved_message_id_domain
    organisation = app.organisation
    email = organisation.unit(organisation.triage_unit).email or ""
    return email.rpartition("@")[2] or "intake.invalid"
