"""Corrections of a contact's label by a person: stored as training examples, and acted upon.

A triage agent (or a back-office unit that got a contact it does not answer) relabels the
contact; the correction is kept in `label_corrections` for `intake classify retrain`, the contact
takes the new topic, and its open task moves to the unit that answers that topic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.app import App
from intake.classifiers import LabelledText, labelled
from intake.stages.classify import classification_text
from workflow.audit import record
from workflow.db import unit_of_work
from workflow.models import Case, Contact, LabelCorrection, Task, TaskKind, TaskStatus

_OPEN = (TaskStatus.OPEN, TaskStatus.CLAIMED)
_MOVABLE = (TaskKind.ANSWER, TaskKind.TRIAGE)


class CorrectionError(ValueError):
    """A correction that cannot be made; the message says why."""


@dataclass(frozen=True)
class Relabelled:
    contact_id: int
    old_topic: str | None
    new_topic: str
    # The open task that moved, and the unit it moved to; None when there was none to move.
    task_id: int | None
    unit: str | None


def relabel(app: App, contact_id: int, topic: str, actor: str) -> Relabelled:
    """Give contact `contact_id` the topic `topic`, as `actor` decided."""
    org = app.organisation
    if org.find_topic(topic) is None:
        known = ", ".join(t.code for t in org.topics)
        raise CorrectionError(f"unknown topic {topic!r} (topics: {known})")
    with unit_of_work(app.sessions) as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise CorrectionError(f"no contact {contact_id}")
        old_topic = contact.topic
        session.add(
            LabelCorrection(
                contact_id=contact.id,
                task="topic",
                text=classification_text(contact),
                language=contact.language,
                old_label=old_topic,
                new_label=topic,
                actor=actor,
            )
        )
        contact.topic = topic
        # A person's label is certain: routing must never send it back to triage.
        contact.topic_score = 1.0
        contact.scores = {**(contact.scores or {}), "topic_trusted": True, "corrected_by": actor}
        record(session, actor, "contact", contact.id, "relabelled", old=old_topic, new=topic)
        unit = org.topic(topic).unit
        task = _open_task(session, contact.id)
        if task is not None:
            _move(session, task, unit, topic, actor)
        return Relabelled(
            contact.id, old_topic, topic, task.id if task else None, unit if task else None
        )


def _open_task(session: Session, contact_id: int) -> Task | None:
    query = select(Task).where(
        Task.contact_id == contact_id, Task.status.in_(_OPEN), Task.kind.in_(_MOVABLE)
    )
    return session.scalars(query.order_by(Task.id)).first()


def _move(session: Session, task: Task, unit: str, topic: str, actor: str) -> None:
    old_unit = task.unit
    task.unit, task.kind = unit, TaskKind.ANSWER
    # Whoever held it in the old unit does not work for the new one.
    task.status, task.claimed_by, task.assignee, task.lease_expires_at = (
        TaskStatus.OPEN,
        None,
        None,
        None,
    )
    case = session.get(Case, task.case_id)
    if case is not None:
        case.unit, case.topic = unit, topic
    record(session, actor, "task", task.id, "moved", from_unit=old_unit, to_unit=unit, topic=topic)


def correction_examples(
    session: Session, languages: Sequence[str]
) -> dict[str, list[LabelledText]]:
    """The stored corrections as training examples by task; the latest one wins for a text."""
    latest: dict[tuple[str, str], LabelCorrection] = {}
    for correction in session.scalars(select(LabelCorrection).order_by(LabelCorrection.id)):
        latest[(correction.task, correction.text)] = correction
    by_task: dict[str, list[LabelledText]] = defaultdict(list)
    for (task, text), correction in latest.items():
        if text.strip():
            by_task[task].append(labelled(text, correction.new_label, languages))
    return dict(by_task)
