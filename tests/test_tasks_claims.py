"""Claims with leases: the most urgent task first, leases that run out, capacity, reassigning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.task_fixtures import TUESDAY_10, add_task, database, open_case, organisation
from workflow.models import AuditEvent, Task, TaskComment, TaskStatus
from workflow.queue import TaskFilter, task_list
from workflow.tasks import (
    ClaimOutcome,
    LeasePolicy,
    TaskError,
    add_comment,
    claim_next,
    claim_task,
    complete,
    reassign,
    release,
    renew_claim,
)

NOW = TUESDAY_10
POLICY = LeasePolicy(lease=timedelta(minutes=30), default_capacity=2)


def test_the_task_with_least_slack_is_listed_and_claimed_first(database_url: str) -> None:
    with database(database_url) as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        # Due later but needs four hours of work: only 1 h of slack.
        long_job = add_task(
            session, case, unit="claims", due_at=NOW + timedelta(hours=5), expected_minutes=240
        )
        quick = add_task(session, case, unit="claims", due_at=NOW + timedelta(hours=3))
        relaxed = add_task(session, case, unit="claims", due_at=NOW + timedelta(days=2))
        no_deadline = add_task(session, case, unit="claims", due_at=None)
        elsewhere = add_task(session, case, unit="billing", due_at=NOW)

        rows = task_list(session, TaskFilter(unit="claims"), NOW)
        assert [r.id for r in rows] == [long_job.id, quick.id, relaxed.id, no_deadline.id]
        assert rows[0].slack_minutes == pytest.approx(60)
        assert elsewhere.id not in [r.id for r in rows]

        first = claim_next(session, "claims", "m.zielinska", NOW, POLICY)
        second = claim_next(session, "claims", "t.lewandowski", NOW, POLICY)
        assert (first.task_id, second.task_id) == (long_job.id, quick.id)
        assert first.lease_expires_at == NOW + timedelta(minutes=30)


def test_an_expired_lease_puts_the_task_back_for_the_next_agent(database_url: str) -> None:
    with database(database_url) as sessions:
        with sessions.begin() as session:
            task_id = add_task(session, open_case(session, "claims"), unit="claims", due_at=NOW).id
            assert claim_next(session, "claims", "m.zielinska", NOW, POLICY).task_id == task_id
        later = NOW + timedelta(minutes=10)
        with sessions.begin() as session:
            taken = claim_next(session, "claims", "t.lewandowski", later, POLICY)
            assert taken.outcome is ClaimOutcome.NOTHING
            refused = claim_task(session, task_id, "t.lewandowski", later, POLICY)
            assert refused.outcome is ClaimOutcome.TAKEN
            assert "claimed by m.zielinska" in refused.reason
        after_lease = NOW + timedelta(minutes=31)
        with sessions.begin() as session:
            claim = claim_next(session, "claims", "t.lewandowski", after_lease, POLICY)
            assert claim.task_id == task_id
        with sessions.begin() as session:
            with pytest.raises(TaskError, match=r"m\.zielinska does not hold it"):
                complete(session, task_id, "m.zielinska", after_lease)
            complete(session, task_id, "t.lewandowski", after_lease, note="replaced the door")
        with sessions() as session:
            task = session.get_one(Task, task_id)
            assert (task.status, task.claimed_by, task.attempts) == ("done", "t.lewandowski", 2)
            actions = session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity_id == str(task_id))
            ).all()
            assert actions == ["claimed", "lease expired", "claimed", "completed"]


def test_renewing_keeps_the_task_and_releasing_gives_it_back() -> None:
    with database("sqlite://") as sessions, sessions.begin() as session:
        task_id = add_task(session, open_case(session, "claims"), unit="claims", due_at=NOW).id
        claim_task(session, task_id, "m.zielinska", NOW, POLICY)
        renewed = renew_claim(session, task_id, "m.zielinska", NOW + timedelta(minutes=25), POLICY)
        assert renewed.lease_expires_at == NOW + timedelta(minutes=55)
        with pytest.raises(TaskError, match="does not hold it"):
            release(session, task_id, "t.lewandowski", NOW)
        release(session, task_id, "m.zielinska", NOW + timedelta(minutes=26))
        assert session.get_one(Task, task_id).status == TaskStatus.OPEN


def test_an_agent_at_capacity_cannot_claim_more() -> None:
    with database("sqlite://") as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        for hours in (1, 2, 3):
            add_task(session, case, unit="claims", due_at=NOW + timedelta(hours=hours))
        for _ in range(2):
            assert claim_next(session, "claims", "m.zielinska", NOW, POLICY).outcome == "claimed"
        third = claim_next(session, "claims", "m.zielinska", NOW, POLICY)
        assert third.outcome is ClaimOutcome.AT_CAPACITY
        assert "holds 2 task(s), the capacity of 2" in third.reason
        mine = task_list(session, TaskFilter(agent="m.zielinska"), NOW)
        assert len(mine) == 2 and {r.claimed_by for r in mine} == {"m.zielinska"}


def test_reassigning_moves_the_task_and_takes_it_from_its_holder() -> None:
    org = organisation()
    with database("sqlite://") as sessions, sessions.begin() as session:
        task_id = add_task(session, open_case(session, "claims"), unit="claims", due_at=NOW).id
        claim_task(session, task_id, "m.zielinska", NOW, POLICY, org)
        task = reassign(
            session, task_id, "supervisor", unit="complaints", reason="it's a complaint"
        )
        assert (task.unit, task.original_unit, task.status, task.claimed_by) == (
            "complaints",
            "claims",
            "open",
            None,
        )
        reassign(session, task_id, "supervisor", agent="e.szymanska")
        assert [r.id for r in task_list(session, TaskFilter(agent="e.szymanska"), NOW)] == [task_id]
        with pytest.raises(TaskError, match="unknown agent 'nobody'"):
            reassign(session, task_id, "supervisor", agent="nobody")
        add_comment(session, task_id, "e.szymanska", "Called the shop about the door.", NOW)
        comments = session.scalars(select(TaskComment.text)).all()
        assert comments == ["Called the shop about the door."]
