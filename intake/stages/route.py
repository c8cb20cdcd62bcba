"""Route: a chain of small steps that turns a batch of classified contacts into work for people.

The whole story in order: `PLAN_STEPS` decide each contact in memory (a step looks at the
`Routing` so far and adds to it, and may end the chain, e.g. for mail that is only noise);
`write_routed` writes the batch's cases and tasks at once, with the incident check and the
overflow placement; `FINISH_STEPS` then add what needs the written case (verification task,
acknowledgement), and `record_routed` the audit trail. Outcomes are those of routing the
contacts one at a time: a reply to a contact of the same batch waits until that contact's case
is written (the batch is cut there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from intake.acknowledgements import queue_acknowledgement
from intake.app import App
from intake.routing_steps import (
    Routing,
    decide,
    find_customer,
    join_or_plan_case,
    plan_work_task,
    prioritise,
    record_routed,
    replies_within,
    skip_noise,
    write_routed,
)
from intake.verification import ask_mailroom_to_verify
from workflow.models import Contact

RouteStep = Callable[[App, Session, Routing], None]
BatchStep = Callable[[App, Session, Sequence[Routing]], None]

PLAN_STEPS: tuple[RouteStep, ...] = (
    skip_noise,
    find_customer,
    decide,
    join_or_plan_case,
    plan_work_task,
    prioritise,
)
WRITE_STEP: BatchStep = write_routed
FINISH_STEPS: tuple[RouteStep, ...] = (
    ask_mailroom_to_verify,
    queue_acknowledgement,
)
RECORD_STEP: BatchStep = record_routed


def run(app: App, session: Session, contacts: Sequence[Contact]) -> None:
    batch: list[Routing] = []
    for contact in contacts:
        routing = Routing(contact)
        if replies_within(routing, batch):
            finish(app, session, batch)
            batch = []
        for step in PLAN_STEPS:
            step(app, session, routing)
            if routing.done:
                break
        batch.append(routing)
    finish(app, session, batch)


def finish(app: App, session: Session, batch: Sequence[Routing]) -> None:
    """Write a planned batch, then the steps that need its cases, then its audit trail."""
    WRITE_STEP(app, session, batch)
    for routing in batch:
        if routing.done:
            continue
        for step in FINISH_STEPS:
            step(app, session, routing)
    RECORD_STEP(app, session, batch)
