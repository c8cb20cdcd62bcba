"""Route: a chain of small steps that turns a classified contact into work for people.

`ROUTE_STEPS` is the whole story in order; each step looks at the `Routing` so far and adds to
it. A step may end the chain (`routing.done = True`), e.g. for mail that is only noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from intake.acknowledgements import queue_acknowledgement
from intake.app import App
from intake.routing_steps import (
    Routing,
    add_work_task,
    decide,
    find_customer,
    join_or_open_case,
    prioritise_and_place,
    record_routed,
    skip_noise,
)
from intake.verification import ask_mailroom_to_verify
from workflow.models import Contact

RouteStep = Callable[[App, Session, Routing], None]

ROUTE_STEPS: tuple[RouteStep, ...] = (
    skip_noise,
    find_customer,
    decide,
    join_or_open_case,
    add_work_task,
    prioritise_and_place,
    ask_mailroom_to_verify,
    queue_acknowledgement,
    record_routed,
)


def run(app: App, session: Session, contacts: Sequence[Contact]) -> None:
    for contact in contacts:
        routing = Routing(contact)
        for step in ROUTE_STEPS:
            step(app, session, routing)
            if routing.done:
                break
