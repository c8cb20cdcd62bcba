"""Overflow and substitutes: a task its unit would finish too late moves to the backup unit
before it breaks; the work of an absent agent goes to the substitute."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.app import App, open_app
from tests.conftest import base_settings
from workflow.cases import add_task, open_case
from workflow.db import unit_of_work
from workflow.models import AuditEvent, Task, TaskKind, TaskStatus
from workflow.org import Organisation
from workflow.org_models import Absence
from workflow.overflow import forget_throughputs, place_task, rebalance, throughput
from workflow.routing import RoutingDecision

WARSAW = ZoneInfo("Europe/Warsaw")
# Monday 23 November 2026, 10:00; Magdalena Zielińska (claims) is on leave all week.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=WARSAW)


@pytest.fixture
def db_app(database_url: str, tmp_path: Path) -> Iterator[App]:
    application = open_app(base_settings(tmp_path / "var", database_url=database_url))
    application.sync_organisation()
    forget_throughputs()
    yield application
    application.close()


def task_in(
    session: Session, unit: str, due_in_hours: float, status: str = TaskStatus.OPEN
) -> Task:
    due = NOW + timedelta(hours=due_in_hours)
    decision = RoutingDecision(unit, "complaint", 3, due, ("test",))
    case = open_case(session, decision, customer_id=None, subject="s", opened_at=NOW)
    task = add_task(
        session,
        case,
        kind=TaskKind.ANSWER,
        unit=unit,
        contact_id=None,
        priority=3,
        due_at=due,
        title=f"due in {due_in_hours} h",
    )
    task.status = status
    return task


def done_in_last_week(session: Session, unit: str, count: int) -> None:
    for number in range(count):
        task = task_in(session, unit, -10, TaskStatus.DONE)
        # Spread over the last seven days (168 hours), all inside the window.
        task.completed_at = NOW - timedelta(hours=2 + number * 4)


def test_throughput_is_measured_from_done_tasks_or_estimated_from_agents(app: App) -> None:
    app.sync_organisation()
    forget_throughputs()
    org = app.organisation
    with unit_of_work(app.sessions) as session:
        estimated = throughput(session, org, "claims", NOW)
        # Three agents in claims, at an estimated four tasks an hour each.
        assert (estimated.per_hour, estimated.measured) == (12.0, False)
        done_in_last_week(session, "complaints", 20)
        measured = throughput(session, org, "complaints", NOW)
        # 20 answers over the 40 business hours of the last seven days.
        assert (measured.per_hour, measured.measured) == (0.5, True)


def test_a_new_task_its_unit_would_finish_late_moves_to_the_backup(db_app: App) -> None:
    org = db_app.organisation
    with unit_of_work(db_app.sessions) as session:
        done_in_last_week(session, "complaints", 10)  # 0.25 an hour
        for hours in (1, 2, 3, 3.5):
            task_in(session, "complaints", hours)
        late = task_in(session, "complaints", 4)
        move = place_task(session, org, late, NOW)
        assert move is not None and (move.from_unit, move.to_unit) == ("complaints", "claims")
        assert (late.unit, late.original_unit) == ("claims", "complaints")
        assert "in complaints (4 ahead); backup claims finishes 2026-11-23 10:15 CET" in (
            move.reason
        )
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "overflowed")).one()
        assert event.detail["to"] == "claims"
        # Moved once, it stays: the backup's own backup is not tried.
        assert place_task(session, org, late, NOW) is None


def test_a_task_its_unit_finishes_in_time_stays(app: App) -> None:
    app.sync_organisation()
    forget_throughputs()
    with unit_of_work(app.sessions) as session:
        task = task_in(session, "complaints", 4)
        assert place_task(session, app.organisation, task, NOW) is None
        assert (task.unit, task.original_unit) == ("complaints", None)


def test_rebalance_moves_the_late_end_of_a_swamped_queue_only(app: App) -> None:
    app.sync_organisation()
    forget_throughputs()
    org = app.organisation
    with unit_of_work(app.sessions) as session:
        done_in_last_week(session, "complaints", 40)  # one an hour
        queue = [task_in(session, "complaints", h) for h in (1.5, 2.5, 2.9, 3.0, 3.1, 30)]
        report = rebalance(session, org, NOW)
        # The n-th task is done after n hours of turns plus its own 15 minutes: the first three
        # are in time, the fourth (3.25 h, due at 3.0) and fifth (3.25 h once the fourth has
        # left, due at 3.1) would be late; the one due in 30 hours can wait.
        assert [m.task_id for m in report.moves] == [queue[3].id, queue[4].id]
        assert [t.unit for t in queue] == ["complaints"] * 3 + ["claims"] * 2 + ["complaints"]
        assert rebalance(session, org, NOW).moves == ()


def test_tasks_of_an_absent_agent_go_to_the_substitute(app: App) -> None:
    app.sync_organisation()
    org = app.organisation
    with unit_of_work(app.sessions) as session:
        assigned = task_in(session, "claims", 8)
        assigned.assignee = "m.zielinska"
        claimed = task_in(session, "claims", 8, TaskStatus.CLAIMED)
        claimed.claimed_by, claimed.lease_expires_at = "m.zielinska", NOW + timedelta(minutes=30)
        other = task_in(session, "claims", 8)
        other.assignee = "t.lewandowski"
        report = rebalance(session, org, NOW)
        assert {(s.task_id, s.absent, s.substitute) for s in report.substitutions} == {
            (assigned.id, "m.zielinska", "t.lewandowski"),
            (claimed.id, "m.zielinska", "t.lewandowski"),
        }
        assert assigned.assignee == "t.lewandowski"
        assert (claimed.status, claimed.claimed_by, claimed.assignee) == (
            TaskStatus.OPEN,
            None,
            "t.lewandowski",
        )
        assert claimed.lease_expires_at is None
        assert other.assignee == "t.lewandowski"
        # The week after, she is back: nothing of hers moves.
        mine = task_in(session, "claims", 8)
        mine.assignee = "m.zielinska"
        assert rebalance(session, org, NOW + timedelta(days=7)).substitutions == ()


def test_a_substitute_who_is_away_too_passes_the_work_on(app: App) -> None:
    app.sync_organisation()
    day = NOW.date()
    chain = (
        Absence("m.zielinska", day, day, "t.lewandowski"),
        Absence("t.lewandowski", day, day, "e.szymanska"),
    )
    loop = (*chain, Absence("e.szymanska", day, day, "m.zielinska"))
    with unit_of_work(app.sessions) as session:
        task = task_in(session, "claims", 8)
        task.assignee = "m.zielinska"
        no_one: Organisation = replace(app.organisation, absences=loop)
        assert rebalance(session, no_one, NOW).substitutions == ()
        assert task.assignee == "m.zielinska"
        report = rebalance(session, replace(app.organisation, absences=chain), NOW)
        assert [s.substitute for s in report.substitutions] == ["e.szymanska"]


def test_intake_serve_hands_an_absent_agents_tasks_on_every_few_minutes(tmp_path: Path) -> None:
    import shutil

    from intake.jobs import default_jobs
    from tests.conftest import SAMPLES

    org_dir = tmp_path / "org"
    shutil.copytree(SAMPLES / "org", org_dir)
    today = datetime.now(WARSAW).date()
    (org_dir / "absences.yaml").write_text(
        "absences:\n"
        f"  - {{agent: m.zielinska, from: {today - timedelta(days=1)}, "
        f"to: {today + timedelta(days=1)}, substitute: t.lewandowski, reason: sick leave}}\n",
        encoding="utf-8",
    )
    application = open_app(base_settings(tmp_path / "var", org_dir=org_dir))
    application.sync_organisation()
    with unit_of_work(application.sessions) as session:
        assigned = task_in(session, "claims", 48)
        assigned.assignee = "m.zielinska"
        task_id = assigned.id
    (queues,) = [job for job in default_jobs(application) if job.name == "queues"]
    assert queues.every_seconds <= 300
    assert queues.run(application) == "overflowed 0, to substitutes 1"
    with application.sessions() as session:
        assert session.get_one(Task, task_id).assignee == "t.lewandowski"
    assert queues.run(application) is None
    application.close()
