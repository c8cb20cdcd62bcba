"""The durable pipeline: each contact advances received -> extracted -> classified -> routed.

`STEPS` is the whole flow in one place. A step's work and the contact's new stage commit in one
transaction, so a crash repeats at most the step that was under way, and a repeat changes nothing
that was committed. A step that raises is retried later with a doubling delay; after
`max_attempts`, or at once for input that can never succeed, the contact is quarantined with the
reason, for a person to look at and release. A step that can kill the process itself
(`guard_crashes`: native PDF, image and OCR code on customer files) counts its attempts before
the work, so a file that crashes the worker every time is quarantined too, and runs contacts
that were tried before one at a time, so it takes no batch mates down with it.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from intake import failpoints
from intake.app import App
from intake.stages import classify, extract, route
from intake.stages.errors import Unprocessable
from workflow.audit import record
from workflow.models import Contact, ContactStatus, Stage, utcnow

log = logging.getLogger(__name__)

StepFunction = Callable[[App, Session, Sequence[Contact]], None]


@dataclass(frozen=True)
class Step:
    name: str
    takes: Stage
    gives: Stage
    run: StepFunction
    batch_size: int = 1
    # Extraction waits on Tesseract subprocesses, so threads overlap well; the others are CPU or
    # database bound and gain nothing from threads.
    parallel: bool = False
    # Steps that hand customer files to native code (PDF, image and OCR libraries) can kill the
    # process outright, where no exception is left to count. Their attempts are counted before
    # the work starts, so a file that crashes the worker every time is quarantined.
    guard_crashes: bool = False


STEPS: tuple[Step, ...] = (
    # Batches share one transaction; a failure re-runs the batch one contact at a time, so a
    # bad contact never holds back the others.
    Step(
        "extract",
        Stage.RECEIVED,
        Stage.EXTRACTED,
        extract.run,
        batch_size=4,
        parallel=True,
        guard_crashes=True,
    ),
    Step("classify", Stage.EXTRACTED, Stage.CLASSIFIED, classify.run, batch_size=64),
    # Routing writes a batch with a few statements whatever its size: 128 costs less CPU a
    # contact than 32 or 64, and commits less often (docs/benchmarks.md, "Routing", round 5).
    Step("route", Stage.CLASSIFIED, Stage.ROUTED, route.run, batch_size=128),
)


class Result(enum.StrEnum):
    ADVANCED = "advanced"
    RETRY = "retry"
    QUARANTINED = "quarantined"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class StepOutcome:
    contact_id: int
    step: str
    result: Result
    reason: str = ""


@dataclass
class ProcessReport:
    outcomes: list[StepOutcome] = field(default_factory=list)

    def count(self, result: Result, step: str | None = None) -> int:
        return sum(
            1 for o in self.outcomes if o.result is result and (step is None or o.step == step)
        )


def due_contacts(session: Session, stage: Stage, now: datetime) -> list[int]:
    query = (
        select(Contact.id)
        .where(
            Contact.status == ContactStatus.ACTIVE,
            Contact.stage == stage,
            or_(Contact.next_attempt_at.is_(None), Contact.next_attempt_at <= now),
        )
        .order_by(Contact.id)
    )
    return list(session.scalars(query))


def run_step(
    app: App, step: Step, ids: Sequence[int], *, attempt_counted: bool = False
) -> list[StepOutcome]:
    """Run one step on a batch in one transaction; on failure, isolate the contact that failed.
    `attempt_counted`: the caller counted this attempt already (see `run_guarded`)."""
    try:
        with app.sessions() as session, session.begin():
            contacts = list(
                session.scalars(
                    select(Contact)
                    .options(selectinload(Contact.documents))
                    .where(
                        Contact.id.in_(ids),
                        Contact.stage == step.takes,
                        Contact.status == ContactStatus.ACTIVE,
                    )
                    .order_by(Contact.id)
                )
            )
            if not contacts:
                return [StepOutcome(i, step.name, Result.SKIPPED, "done elsewhere") for i in ids]
            step.run(app, session, contacts)
            for contact in contacts:
                contact.stage = step.gives
                contact.attempts = 0
                contact.next_attempt_at = None
                contact.last_error = None
            failpoints.hit(f"{step.name}.before_commit")
            advanced = [c.id for c in contacts]
    except StaleDataError:
        # Another worker advanced the same contact first; its result stands.
        return [
            StepOutcome(i, step.name, Result.SKIPPED, "advanced by another worker") for i in ids
        ]
    except Exception as error:
        if len(ids) > 1:
            return [
                outcome
                for i in ids
                for outcome in run_step(app, step, [i], attempt_counted=attempt_counted)
            ]
        return [record_failure(app, step, ids[0], error, attempt_counted=attempt_counted)]
    return [StepOutcome(i, step.name, Result.ADVANCED) for i in advanced]


def describe(error: BaseException) -> str:
    if isinstance(error, Unprocessable):
        return error.reason
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def record_failure(
    app: App, step: Step, contact_id: int, error: BaseException, *, attempt_counted: bool = False
) -> StepOutcome:
    reason = f"{step.name}: {describe(error)}"
    permanent = isinstance(error, Unprocessable)
    if not permanent:
        log.warning("contact %s failed in %s", contact_id, step.name, exc_info=error)
    with app.sessions() as session, session.begin():
        contact = session.get(Contact, contact_id)
        if contact is None:
            return StepOutcome(contact_id, step.name, Result.SKIPPED, "contact vanished")
        if not attempt_counted:
            contact.attempts += 1
        contact.last_error = reason
        now = utcnow()
        if permanent or contact.attempts >= app.settings.max_attempts:
            contact.status = ContactStatus.QUARANTINED
            contact.quarantine_reason = reason
            contact.quarantined_at = now
            contact.next_attempt_at = None
            record(session, "pipeline", "contact", contact_id, "quarantined", reason=reason)
            return StepOutcome(contact_id, step.name, Result.QUARANTINED, reason)
        delay = app.settings.retry_base_seconds * 2 ** (contact.attempts - 1)
        contact.next_attempt_at = now + timedelta(seconds=delay)
        record(
            session,
            "pipeline",
            "contact",
            contact_id,
            "retry scheduled",
            reason=reason,
            attempt=contact.attempts,
            after_seconds=delay,
        )
    return StepOutcome(contact_id, step.name, Result.RETRY, reason)


def _batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def run_guarded(app: App, step: Step, ids: Sequence[int]) -> list[StepOutcome]:
    """Run a `guard_crashes` step: quarantine contacts that used up their attempts without ever
    finishing, count each attempt before its work starts, and run contacts that were tried
    before one at a time, so a file that kills the process takes no batch mates down with it."""
    fresh, tried_before, outcomes = sort_by_history(app, step, ids)
    for group in [fresh] + [[contact_id] for contact_id in tried_before]:
        if group:
            count_attempt(app, step, group)
            outcomes += run_step(app, step, group, attempt_counted=True)
    return outcomes


def sort_by_history(
    app: App, step: Step, ids: Sequence[int]
) -> tuple[list[int], list[int], list[StepOutcome]]:
    """(first tries, tried before, outcomes of contacts quarantined for using up their
    attempts) among the contacts still waiting at the step."""
    fresh: list[int] = []
    tried_before: list[int] = []
    outcomes: list[StepOutcome] = []
    with app.sessions() as session, session.begin():
        contacts = session.scalars(
            select(Contact)
            .where(
                Contact.id.in_(ids),
                Contact.stage == step.takes,
                Contact.status == ContactStatus.ACTIVE,
            )
            .order_by(Contact.id)
        )
        for contact in contacts:
            if contact.attempts >= app.settings.max_attempts:
                outcomes.append(_quarantine_unfinished(session, step, contact))
            else:
                (tried_before if contact.attempts else fresh).append(contact.id)
    return fresh, tried_before, outcomes


def count_attempt(app: App, step: Step, ids: Sequence[int]) -> None:
    """One more attempt for each contact, committed before the work starts. A plain UPDATE,
    so the contacts' version (another worker's optimistic lock) is left alone."""
    with app.sessions() as session, session.begin():
        session.execute(
            update(Contact)
            .where(Contact.id.in_(ids), Contact.stage == step.takes)
            .values(attempts=Contact.attempts + 1)
            .execution_options(synchronize_session=False)
        )


def _quarantine_unfinished(session: Session, step: Step, contact: Contact) -> StepOutcome:
    reason = (
        f"{step.name}: did not finish in {contact.attempts} attempts; the process stopped while "
        "working on it (a crash or a kill: see the log), release it to try again"
    )
    contact.status = ContactStatus.QUARANTINED
    contact.quarantine_reason = reason
    contact.last_error = reason
    contact.quarantined_at = utcnow()
    contact.next_attempt_at = None
    record(session, "pipeline", "contact", contact.id, "quarantined", reason=reason)
    return StepOutcome(contact.id, step.name, Result.QUARANTINED, reason)


def process(
    app: App,
    *,
    steps: Sequence[Step] = STEPS,
    on_outcome: Callable[[StepOutcome], None] | None = None,
) -> ProcessReport:
    """Advance every contact that is due as far as it will go, step by step."""
    report = ProcessReport()

    def take(outcomes: list[StepOutcome]) -> None:
        report.outcomes.extend(outcomes)
        if on_outcome:
            for outcome in outcomes:
                on_outcome(outcome)

    for step in steps:
        with app.sessions() as session:
            ids = due_contacts(session, step.takes, utcnow())
        batches = _batches(ids, step.batch_size)
        run = run_guarded if step.guard_crashes else run_step
        if step.parallel and app.settings.workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(app.settings.workers, thread_name_prefix=step.name) as pool:
                for outcomes in pool.map(partial(run, app, step), batches):
                    take(outcomes)
        else:
            for batch in batches:
                take(run(app, step, batch))
    return report


def pending(app: App) -> dict[str, int]:
    """How many active contacts wait at each stage before `routed`."""
    with app.sessions() as session:
        now = utcnow()
        return {step.name: len(due_contacts(session, step.takes, now)) for step in STEPS}


def release(app: App, contact_id: int, actor: str) -> bool:
    """Put a quarantined contact back in the flow at the stage it failed, with fresh attempts."""
    with app.sessions() as session, session.begin():
        contact = session.get(Contact, contact_id)
        if contact is None or contact.status != ContactStatus.QUARANTINED:
            return False
        contact.status = ContactStatus.ACTIVE
        contact.attempts = 0
        contact.next_attempt_at = None
        record(session, actor, "contact", contact_id, "released", reason=contact.quarantine_reason)
        contact.quarantine_reason = None
        contact.quarantined_at = None
    return True
