"""`intake tasks ...`, `intake callbacks ...`, `intake escalate`, `intake purge`, `intake erase`:
the daily work on tasks and the clock, archive and privacy commands around it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from intake import work_policies
from intake.app import App, open_app
from intake.cli_common import ConfigOption
from intake.cli_common import fail as _fail
from intake.config import ConfigError, Settings, load_settings
from workflow.answers import AnswerChannel, answer_task
from workflow.archive import erase_customer, purge_expired, remove_blobs
from workflow.callbacks import CallbackPolicy, CallOutcome, record_outcome
from workflow.db import unit_of_work
from workflow.escalation import ClockPolicy, run_clock
from workflow.models import TaskKind, TaskStatus, utcnow
from workflow.org import OrgError
from workflow.queue import ACTIVE, TaskFilter, TaskRow, task_list
from workflow.tasks import (
    Claim,
    ClaimOutcome,
    TaskError,
    add_comment,
    claim_next,
    claim_task,
    complete,
    reassign,
    release,
    renew_claim,
)

console = Console()
tasks_app = typer.Typer(help="Task lists of the units and agents, and the work on tasks.")
callbacks_app = typer.Typer(help="Callback tasks of the call centre and their outcomes.")

AgentOption = Annotated[str, typer.Option("--agent", "-a", help="The agent doing it (agent id).")]
TaskArgument = Annotated[int, typer.Argument(help="Task id (first column of `tasks list`).")]

_T = TypeVar("_T")


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app, name="tasks")
    app.add_typer(callbacks_app, name="callbacks")
    app.command("escalate")(escalate)
    app.command("purge")(purge)
    app.command("erase")(erase)


def _open(config: Path | None) -> App:
    try:
        application = open_app(load_settings(config))
        application.sync_organisation()
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}") from None
    except OrgError as error:
        raise _fail(f"Organisation error: {error}") from None
    return application


def _run(application: App, work: Callable[[Session], _T]) -> _T:
    """One transaction; a refused action becomes a message and exit code 2, nothing changed."""
    try:
        with unit_of_work(application.sessions) as session:
            return work(session)
    except (TaskError, ValueError) as error:
        raise _fail(str(error)) from None


def callback_policy(settings: Settings) -> CallbackPolicy:
    try:
        return work_policies.callback_policy(settings)
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}") from None


def _when(moment: datetime | None, application: App) -> str:
    if moment is None:
        return "-"
    zone = ZoneInfo(application.organisation.timezone)
    return moment.astimezone(zone).strftime("%a %d.%m %H:%M")


def _slack(minutes: float | None) -> str:
    if minutes is None:
        return "-"
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(int(abs(minutes)), 60)
    return f"{sign}{hours}h{rest:02d}"


def _check_unit(application: App, unit: str | None) -> None:
    known = [u.code for u in application.organisation.units]
    if unit is not None and unit not in known:
        raise _fail(f"Unknown unit '{unit}'. Known: {', '.join(known)}")


def _print_rows(rows: list[TaskRow], application: App, title: str | None = None) -> None:
    # Narrow terminals: identifiers never wrap, the holder column only when someone holds a
    # task, and the title folds last.
    with_holder = any(row.claimed_by or row.assignee for row in rows)
    names = ["task", "case", "unit", "kind", "prio", "due", "slack", "status"]
    names += ["holder"] if with_holder else []
    table = Table(title=title, show_edge=False)
    for name in names:
        table.add_column(name, no_wrap=True)
    table.add_column("title", overflow="fold")
    for row in rows:
        holder = row.claimed_by if row.status == TaskStatus.CLAIMED else row.assignee
        cells = [
            str(row.id),
            row.case_reference,
            row.unit,
            row.kind,
            str(row.priority),
            _when(row.due_at, application),
            _slack(row.slack_minutes),
            row.status,
        ]
        cells += [holder or ""] if with_holder else []
        table.add_row(*cells, escape(row.title[:60]))
    console.print(table)


@tasks_app.command("list")
def tasks_list(
    unit: Annotated[str | None, typer.Option(help="Only this unit's tasks.")] = None,
    agent: Annotated[str | None, typer.Option(help="Tasks this agent holds or is given.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only tasks of this kind.")] = None,
    all_statuses: Annotated[bool, typer.Option("--all", help="Done tasks too.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    config: ConfigOption = None,
) -> None:
    """Open tasks, least slack first (deadline minus now minus expected handling time)."""
    application = _open(config)
    _check_unit(application, unit)
    statuses = tuple(TaskStatus) if all_statuses else ACTIVE
    wanted = TaskFilter(unit=unit, agent=agent, statuses=statuses, kind=kind, limit=limit)
    with application.sessions() as session:
        rows = task_list(session, wanted, utcnow())
    _print_rows(rows, application)


def _print_claim(claim: Claim, application: App) -> None:
    if claim.outcome is ClaimOutcome.CLAIMED:
        until = _when(claim.lease_expires_at, application)
        console.print(f"Claimed task {claim.task_id} until {until}.")
        return
    console.print(f"Nothing claimed: {escape(claim.reason)}")
    raise typer.Exit(1)


@tasks_app.command("claim")
def tasks_claim(
    agent: AgentOption,
    task_id: Annotated[
        int | None, typer.Argument(help="This task; default: the most urgent.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Claim the most urgent task here.")] = None,
    config: ConfigOption = None,
) -> None:
    """Claim a task with a lease: a given one, or the unit's task with the least slack."""
    if (task_id is None) == (unit is None):
        raise _fail("Give a task id or --unit, not both and not neither.")
    application = _open(config)
    _check_unit(application, unit)
    policy, org, now = (
        work_policies.lease_policy(application.settings),
        application.organisation,
        utcnow(),
    )

    def work(session: Session) -> Claim:
        if task_id is not None:
            return claim_task(session, task_id, agent, now, policy, org)
        assert unit is not None
        return claim_next(session, unit, agent, now, policy, org)

    _print_claim(_run(application, work), application)


@tasks_app.command("renew")
def tasks_renew(task_id: TaskArgument, agent: AgentOption, config: ConfigOption = None) -> None:
    """Extend the lease on a task you hold."""
    application = _open(config)
    policy = work_policies.lease_policy(application.settings)
    claim = _run(application, lambda s: renew_claim(s, task_id, agent, utcnow(), policy))
    _print_claim(claim, application)


@tasks_app.command("release")
def tasks_release(task_id: TaskArgument, agent: AgentOption, config: ConfigOption = None) -> None:
    """Give a task you hold back to its unit's list."""
    application = _open(config)
    _run(application, lambda s: release(s, task_id, agent, utcnow()))
    console.print(f"Task {task_id} is back on its unit's list.")


@tasks_app.command("complete")
def tasks_complete(
    task_id: TaskArgument,
    agent: AgentOption,
    note: Annotated[str, typer.Option(help="What was done.")] = "",
    config: ConfigOption = None,
) -> None:
    """Mark a task done without an answer to the customer (see `tasks answer`)."""
    application = _open(config)
    _run(application, lambda s: complete(s, task_id, agent, utcnow(), note))
    console.print(f"Task {task_id} is done.")


@tasks_app.command("reassign")
def tasks_reassign(
    task_id: TaskArgument,
    by: Annotated[str, typer.Option(help="Who reassigns (agent or supervisor id).")],
    unit: Annotated[str | None, typer.Option(help="Move the task to this unit.")] = None,
    to_agent: Annotated[str | None, typer.Option("--to-agent", help="Give it to an agent.")] = None,
    reason: Annotated[str, typer.Option(help="Why, for the audit trail.")] = "",
    config: ConfigOption = None,
) -> None:
    """Move a task to another unit's list, or give it to an agent."""
    application = _open(config)
    _check_unit(application, unit)
    task = _run(
        application,
        lambda s: reassign(s, task_id, by, unit=unit, agent=to_agent, reason=reason),
    )
    console.print(f"Task {task_id}: unit {task.unit}, assigned to {task.assignee or 'nobody'}.")


@tasks_app.command("comment")
def tasks_comment(
    task_id: TaskArgument,
    agent: AgentOption,
    text: Annotated[str, typer.Argument(help="The comment.")],
    config: ConfigOption = None,
) -> None:
    """Add a comment to a task."""
    application = _open(config)
    comment_id = _run(application, lambda s: add_comment(s, task_id, agent, text, utcnow()))
    console.print(f"Comment {comment_id} added to task {task_id}.")


@tasks_app.command("answer")
def tasks_answer(
    task_id: TaskArgument,
    agent: AgentOption,
    text: Annotated[str | None, typer.Option(help="The answer's text.")] = None,
    text_file: Annotated[Path | None, typer.Option(help="Read the answer from this file.")] = None,
    letter: Annotated[bool, typer.Option(help="Answered by letter (sent on paper).")] = False,
    config: ConfigOption = None,
) -> None:
    """Answer the task's case: an email reply through the outbox, or a letter recorded as sent."""
    if (text is None) == (text_file is None):
        raise _fail("Give the answer with --text or --text-file (one of them).")
    if text_file is not None:
        try:
            text = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise _fail(f"{text_file}: cannot read the answer: {error}") from None
    assert text is not None
    body = text
    application = _open(config)
    settings = application.settings
    domain = work_policies.message_id_domain(application)
    policy = callback_policy(settings)
    channel = AnswerChannel.LETTER if letter else AnswerChannel.EMAIL
    receipt = _run(
        application,
        lambda s: answer_task(
            s,
            application.organisation,
            task_id,
            agent,
            body,
            utcnow(),
            channel=channel,
            message_id_domain=domain,
            callbacks=policy,
        ),
    )
    if receipt.outbox_id is not None:
        console.print(
            f"Case {receipt.case_reference} answered: reply {receipt.outbox_id} to "
            f"{escape(receipt.to_address or '')} waits in the outbox (`intake send`)."
        )
    else:
        console.print(f"Case {receipt.case_reference} answered by letter.")
    if receipt.callback_task_id is not None:
        console.print(f"Callback task {receipt.callback_task_id} created for the call centre.")


@callbacks_app.command("list")
def callbacks_list(
    all_statuses: Annotated[bool, typer.Option("--all", help="Finished callbacks too.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    config: ConfigOption = None,
) -> None:
    """The call centre's callback tasks, least slack first."""
    application = _open(config)
    statuses = tuple(TaskStatus) if all_statuses else ACTIVE
    wanted = TaskFilter(
        unit=application.organisation.callback_unit,
        statuses=statuses,
        kind=TaskKind.CALLBACK,
        limit=limit,
    )
    with application.sessions() as session:
        rows = task_list(session, wanted, utcnow())
    _print_rows(rows, application, title="Callbacks")


@callbacks_app.command("outcome")
def callbacks_outcome(
    task_id: TaskArgument,
    agent: AgentOption,
    outcome: Annotated[CallOutcome, typer.Option(help="How the call went.")],
    note: Annotated[str, typer.Option(help="What was said.")] = "",
    config: ConfigOption = None,
) -> None:
    """Record a call: reached and wrong number close the case; no answer retries later."""
    application = _open(config)
    policy = callback_policy(application.settings)
    result = _run(
        application,
        lambda s: record_outcome(
            s, application.organisation, task_id, agent, outcome, utcnow(), policy, note
        ),
    )
    if result.case_closed:
        console.print(f"Call {result.attempt}: {outcome}. The callback is done; the case closed.")
    else:
        console.print(
            f"Call {result.attempt}: {outcome}. Next try due "
            f"{_when(result.next_due_at, application)}."
        )


def escalate(config: ConfigOption = None) -> None:
    """Run the escalation clock once: expire leases, warn, escalate breached deadlines."""
    application = _open(config)
    policy = ClockPolicy(application.settings.escalation_warning_share)
    report = _run(application, lambda s: run_clock(s, application.organisation, utcnow(), policy))
    console.print(
        f"Warned {len(report.warned)}, escalated {len(report.escalated)}, "
        f"leases expired {len(report.leases_expired)}."
    )
    for step in report.escalated:
        console.print(f"  task {step.task_id} ({step.unit}) -> {step.to}: {escape(step.how)}")


def purge(config: ConfigOption = None) -> None:
    """Delete archived contacts past the retention period, with their originals."""
    application = _open(config)
    retention = timedelta(days=application.settings.retention_days)
    report = _run(application, lambda s: purge_expired(s, utcnow(), retention))
    removed = remove_blobs(application.blobs, report.orphan_blobs)
    console.print(
        f"Purged {report.contacts} contacts, {report.documents} documents, {removed} originals."
    )


def erase(
    customer: Annotated[int, typer.Option("--customer", help="The customer's id.")],
    by: Annotated[str, typer.Option(help="Who asked for it, for the audit trail.")] = "cli",
    config: ConfigOption = None,
) -> None:
    """Remove a customer's personal data everywhere, leaving an audit record."""
    application = _open(config)
    report = _run(application, lambda s: erase_customer(s, customer, by, utcnow()))
    removed = remove_blobs(application.blobs, report.orphan_blobs)
    console.print(
        f"Customer {customer} erased: {report.contacts} contacts, {report.documents} documents "
        f"({removed} originals deleted), {report.cases} cases, {report.outbox_messages} emails, "
        f"{report.answers} answers."
    )
