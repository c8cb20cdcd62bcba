"""The escalation clock: a warning at a share of the deadline, escalation at breach, once each."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from tests.task_fixtures import TUESDAY_10, add_task, database, open_case, organisation
from workflow.escalation import ClockPolicy, run_clock
from workflow.models import AuditEvent
from workflow.org import Organisation

POLICY = ClockPolicy(warning_share=0.75)
# Claims works 8:00-16:00 Warsaw time; TUESDAY_10 is 10:00 there, so 4 business hours is 14:00.
DUE = TUESDAY_10 + timedelta(hours=4)


def without_backup(org: Organisation, unit: str) -> Organisation:
    units = tuple(replace(u, backup=None) if u.code == unit else u for u in org.units)
    return replace(org, units=units)


def test_a_task_is_warned_at_three_quarters_of_its_deadline_and_escalated_at_breach() -> None:
    org = organisation()
    with database("sqlite://") as sessions, sessions.begin() as session:
        task = add_task(session, open_case(session, "claims"), unit="claims", due_at=DUE)

        early = run_clock(session, org, TUESDAY_10 + timedelta(hours=2, minutes=30), POLICY)
        assert early.warned == () and early.escalated == ()

        at_share = TUESDAY_10 + timedelta(hours=3, minutes=1)
        assert run_clock(session, org, at_share, POLICY).warned == (task.id,)
        assert task.warned_at == at_share
        assert run_clock(session, org, at_share + timedelta(minutes=5), POLICY).warned == ()

        breach = DUE + timedelta(minutes=1)
        report = run_clock(session, org, breach, POLICY)
        # Claims' backup unit in the demo organisation is complaints.
        assert [(e.task_id, e.to, e.how) for e in report.escalated] == [
            (task.id, "complaints", "backup unit")
        ]
        assert (task.escalated_at, task.priority) == (breach, 1)
        assert (task.unit, task.original_unit, task.status) == ("complaints", "claims", "open")
        assert run_clock(session, org, breach + timedelta(hours=1), POLICY).escalated == ()
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "task")
        ).all()
        assert actions == ["deadline warning", "escalated"]


def test_the_warning_share_counts_business_hours_not_nights() -> None:
    org = organisation()
    with database("sqlite://") as sessions, sessions.begin() as session:
        # Created at 15:00 Warsaw, due 4 business hours later: 11:00 the next morning.
        created = TUESDAY_10 + timedelta(hours=5)
        due = created + timedelta(hours=20)
        add_task(
            session, open_case(session, "claims"), unit="claims", due_at=due, created_at=created
        )
        # 21:00 that evening is 18 of 20 wall-clock hours, but only 1 of 4 business hours.
        evening = created + timedelta(hours=6)
        assert run_clock(session, org, evening, POLICY).warned == ()
        assert len(run_clock(session, org, due - timedelta(minutes=30), POLICY).warned) == 1


def test_a_breached_task_of_a_unit_without_backup_stays_with_the_highest_priority() -> None:
    org = without_backup(organisation(), "claims")
    with database("sqlite://") as sessions, sessions.begin() as session:
        task = add_task(session, open_case(session, "claims"), unit="claims", due_at=DUE)
        report = run_clock(session, org, DUE + timedelta(seconds=1), POLICY)
        assert [e.to for e in report.escalated] == ["claims"]
        assert "no supervisor or backup" in report.escalated[0].how
        assert (task.unit, task.priority, task.original_unit) == ("claims", 1, None)
