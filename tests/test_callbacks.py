"""Answering a case sends the reply through the outbox and asks the call centre to call back;
calls without an answer are retried on a schedule until the maximum, then the case closes."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.app import App
from intake.channels.ingest import ingest_paths
from tests.conftest import SAMPLES
from tests.task_fixtures import TUESDAY_10, add_task, database, open_case, organisation
from workflow.answers import AnswerChannel, answer_task
from workflow.callbacks import CallbackPolicy, CallOutcome, record_outcome
from workflow.models import (
    Answer,
    CallbackAttempt,
    Case,
    CaseStatus,
    Contact,
    OutboxMessage,
    Task,
    TaskKind,
    TaskStatus,
)
from workflow.tasks import LeasePolicy, TaskError, claim_task

POLICY = CallbackPolicy(due_business_hours=8, retry_hours=(2, 4), max_attempts=3)


def routed_claim_email(app: App, tmp_path: Path) -> Contact:
    """A real customer email (a warranty claim) through the whole pipeline."""
    app.sync_organisation()
    folder = tmp_path / "mail"
    folder.mkdir()
    shutil.copy(SAMPLES / "email" / "en_claim_01.eml", folder)
    (received,) = ingest_paths(app, [folder / "en_claim_01.eml"])
    pipeline.process(app)
    with app.sessions() as session:
        contact = session.get_one(Contact, received.contact_id)
        session.expunge(contact)
    assert contact.stage == "routed"
    return contact


def test_answering_an_email_queues_a_threaded_reply_and_a_callback(
    app: App, tmp_path: Path
) -> None:
    contact = routed_claim_email(app, tmp_path)
    org = app.organisation
    with app.sessions.begin() as session:
        task = session.scalars(select(Task).where(Task.contact_id == contact.id)).one()
        claim_task(session, task.id, "m.zielinska", TUESDAY_10, LeasePolicy())
        receipt = answer_task(
            session,
            org,
            task.id,
            "m.zielinska",
            "Dear Ms Clarke, a technician will visit on Friday.",
            TUESDAY_10,
            channel=AnswerChannel.EMAIL,
            message_id_domain="vistula-home.example",
            callbacks=POLICY,
        )
    with app.sessions() as session:
        reply = session.get_one(OutboxMessage, receipt.outbox_id)
        assert reply.kind == "reply" and reply.status == "pending"
        assert reply.to_address == "emma.clarke@yahoo.co.uk"
        assert reply.in_reply_to == contact.message_id
        assert reply.message_id.endswith("@vistula-home.example>")
        case = session.get_one(Case, contact.case_id)
        assert f"[{case.reference}]" in reply.subject and reply.subject.startswith("Re: ")
        assert (case.status, case.answered_at) == (CaseStatus.ANSWERED, TUESDAY_10)
        assert session.get_one(Task, task.id).status == TaskStatus.DONE

        callback = session.get_one(Task, receipt.callback_task_id)
        assert (callback.unit, callback.kind, callback.status) == ("callcentre", "callback", "open")
        assert callback.due_at is not None and callback.due_at > TUESDAY_10
        answer = session.get_one(Answer, receipt.answer_id)
        assert callback.payload["answer_id"] == answer.id
        assert callback.payload["contact_id"] == contact.id
        documents = callback.payload["documents"]
        assert [d["contact_id"] for d in documents] == [contact.id]
        assert documents[0]["role"] == "original"


def test_a_case_without_email_cannot_get_an_email_reply_but_a_letter() -> None:
    org = organisation()
    with database("sqlite://") as sessions, sessions.begin() as session:
        task = add_task(session, open_case(session, "billing"), unit="billing", due_at=TUESDAY_10)
        with pytest.raises(TaskError, match="no email from the customer"):
            answer_task(
                session, org, task.id, "a.kowalska", "Refund sent.", TUESDAY_10,
                channel=AnswerChannel.EMAIL, message_id_domain="x.example", callbacks=POLICY,
            )  # fmt: skip
        receipt = answer_task(
            session, org, task.id, "a.kowalska", "Refund sent.", TUESDAY_10,
            channel=AnswerChannel.LETTER, message_id_domain="x.example", callbacks=POLICY,
        )  # fmt: skip
        assert receipt.outbox_id is None and receipt.callback_task_id is not None
        assert session.scalars(select(OutboxMessage)).all() == []


def _answered_case_callback(session, org) -> int:  # type: ignore[no-untyped-def]
    task = add_task(session, open_case(session, "billing"), unit="billing", due_at=TUESDAY_10)
    receipt = answer_task(
        session, org, task.id, "a.kowalska", "Refund sent.", TUESDAY_10,
        channel=AnswerChannel.LETTER, message_id_domain="x.example", callbacks=POLICY,
    )  # fmt: skip
    assert receipt.callback_task_id is not None
    return receipt.callback_task_id


def test_unanswered_calls_are_retried_on_schedule_then_the_case_closes() -> None:
    org = organisation()
    with database("sqlite://") as sessions, sessions.begin() as session:
        callback_id = _answered_case_callback(session, org)
        first = record_outcome(
            session, org, callback_id, "b.mazur", CallOutcome.NO_ANSWER, TUESDAY_10, POLICY
        )
        # Two business hours later in the call centre's calendar.
        assert first.next_due_at == TUESDAY_10 + timedelta(hours=2)
        assert not first.case_closed
        second = record_outcome(
            session, org, callback_id, "b.mazur", CallOutcome.NO_ANSWER, TUESDAY_10, POLICY
        )
        assert second.next_due_at == TUESDAY_10 + timedelta(hours=4)
        third = record_outcome(
            session, org, callback_id, "l.brown", CallOutcome.NO_ANSWER, TUESDAY_10, POLICY
        )
        assert third.case_closed and third.attempt == 3
        task = session.get_one(Task, callback_id)
        case = session.get_one(Case, task.case_id)
        assert (task.status, case.status) == (TaskStatus.DONE, CaseStatus.CLOSED)
        assert case.archived_at == TUESDAY_10
        outcomes = session.scalars(select(CallbackAttempt.outcome)).all()
        assert outcomes == ["no_answer"] * 3
        with pytest.raises(TaskError, match="already done"):
            record_outcome(
                session, org, callback_id, "l.brown", CallOutcome.REACHED, TUESDAY_10, POLICY
            )


def test_reaching_the_customer_closes_the_case_at_once() -> None:
    org = organisation()
    with database("sqlite://") as sessions, sessions.begin() as session:
        callback_id = _answered_case_callback(session, org)
        result = record_outcome(
            session, org, callback_id, "b.mazur", CallOutcome.REACHED, TUESDAY_10, POLICY
        )
        assert result.case_closed and result.attempt == 1
        case = session.get_one(Case, session.get_one(Task, callback_id).case_id)
        assert case.status == CaseStatus.CLOSED
        open_callbacks = session.scalars(
            select(Task).where(Task.kind == TaskKind.CALLBACK, Task.status == TaskStatus.OPEN)
        ).all()
        assert open_callbacks == []
