"""A reply joins the case it answers, found by In-Reply-To, References or [C-...] in the subject."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from intake.app import App
from tests.mail_delivery import deliver, record_sent_acknowledgement
from workflow.db import unit_of_work
from workflow.models import AuditEvent, Case, CaseStatus, Contact, Task

COMPLAINT = "My washing machine arrived with a cracked door. I want a replacement or a refund."


def email(
    message_id: str,
    subject: str,
    body: str = COMPLAINT,
    in_reply_to: str | None = None,
    references: str | None = None,
    sender: str = "anna.kowalska@example.pl",
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Anna Kowalska <{sender}>"
    message["To"] = "service@vistula.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    message.set_content(body)
    return message.as_bytes()


def case_of(app: App, contact: Contact) -> Case:
    with app.sessions() as session:
        case = session.get(Case, contact.case_id)
        assert case is not None
        session.expunge(case)
        return case


def set_status(app: App, case_id: int, status: CaseStatus) -> None:
    with unit_of_work(app.sessions) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.status = status


def test_a_reply_with_in_reply_to_joins_its_case(app: App, mailbox: Path) -> None:
    first = deliver(app, mailbox, email("<m1@example.pl>", "Cracked door"))
    reply = deliver(
        app,
        mailbox,
        email("<m2@example.pl>", "Re: Cracked door", "Any news?", in_reply_to="<m1@example.pl>"),
    )
    assert reply.case_id == first.case_id
    case = case_of(app, reply)
    assert "reply joined the case by message <m1@example.pl>" in case.routing_trail
    with app.sessions() as session:
        tasks = session.scalars(select(Task).where(Task.case_id == case.id)).all()
        assert {task.contact_id for task in tasks} == {first.id, reply.id}


def test_references_are_searched_from_the_newest(app: App, mailbox: Path) -> None:
    old = deliver(app, mailbox, email("<old@example.pl>", "Invoice question"))
    new = deliver(app, mailbox, email("<new@example.pl>", "Broken door", sender="b@example.pl"))
    assert old.case_id != new.case_id
    # The client dropped In-Reply-To; References lists the thread oldest first.
    reply = deliver(
        app,
        mailbox,
        email(
            "<r@example.pl>",
            "Re: both",
            "Still waiting.",
            references="<old@example.pl> <unknown@elsewhere> <new@example.pl>",
        ),
    )
    assert reply.case_id == new.case_id


def test_a_reply_with_only_the_case_reference_in_the_subject_joins_and_reopens_it(
    app: App, mailbox: Path
) -> None:
    first = deliver(app, mailbox, email("<a1@example.pl>", "Cracked door"))
    case = case_of(app, first)
    set_status(app, case.id, CaseStatus.CLOSED)

    reply = deliver(
        app,
        mailbox,
        email("<a2@other.example>", f"Re: [{case.reference}] Your request", "It broke again."),
    )

    assert reply.case_id == case.id
    reopened = case_of(app, reply)
    assert reopened.status == CaseStatus.OPEN
    assert f"reply joined the case by subject reference [{case.reference}]" in (
        reopened.routing_trail
    )
    with app.sessions() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == case.reference)
        ).all()
    assert "reopened" in actions


def test_an_answered_case_reopens_when_the_customer_replies(app: App, mailbox: Path) -> None:
    first = deliver(app, mailbox, email("<b1@example.pl>", "Cracked door"))
    assert first.case_id is not None
    set_status(app, first.case_id, CaseStatus.ANSWERED)
    deliver(
        app, mailbox, email("<b2@example.pl>", "Re", "Thanks, but", in_reply_to="<b1@example.pl>")
    )
    assert case_of(app, first).status == CaseStatus.OPEN


def test_a_reference_to_a_case_that_does_not_exist_opens_a_new_case(
    app: App, mailbox: Path
) -> None:
    contact = deliver(app, mailbox, email("<c1@example.pl>", "Re: [C-987654] broken door"))
    case = case_of(app, contact)
    assert case.reference != "C-987654"
    assert "subject names case C-987654, which does not exist: a new case was opened" in (
        case.routing_trail
    )


def test_a_reply_to_our_acknowledgement_joins_the_case_it_acknowledged(
    app: App, mailbox: Path
) -> None:
    first = deliver(app, mailbox, email("<d1@example.pl>", "Cracked door"))
    record_sent_acknowledgement(
        app, first, "anna.kowalska@example.pl", "<ack.d1@vistula.example>", kind="test-ack"
    )
    reply = deliver(
        app,
        mailbox,
        email(
            "<d2@example.pl>", "Re: received", "More photos", in_reply_to="<ack.d1@vistula.example>"
        ),
    )
    assert reply.case_id == first.case_id


def test_a_new_message_with_no_thread_opens_its_own_case(app: App, mailbox: Path) -> None:
    first = deliver(app, mailbox, email("<e1@example.pl>", "Cracked door"))
    second = deliver(app, mailbox, email("<e2@example.pl>", "Cracked door", "Another one"))
    assert first.case_id != second.case_id
