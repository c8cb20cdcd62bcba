"""Lost work last: in task lists and claims, a task that can still make its deadline comes before
one whose deadline is already lost, least slack first within each group."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.task_fixtures import TUESDAY_10, add_task, database, open_case
from workflow.queue import TaskFilter, task_list
from workflow.tasks import LeasePolicy, claim_next

NOW = TUESDAY_10
POLICY = LeasePolicy(lease=timedelta(minutes=30), default_capacity=5)


def test_saveable_tasks_are_listed_before_lost_ones_each_by_least_slack(
    database_url: str,
) -> None:
    with database(database_url) as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        overdue = add_task(session, case, unit="claims", due_at=NOW - timedelta(hours=2))
        # Due in 10 minutes but needs 15: it cannot be in time any more.
        too_late = add_task(session, case, unit="claims", due_at=NOW + timedelta(minutes=10))
        # Due in 20 minutes, needs 15: five minutes to spare, the most urgent saveable one.
        just_in_time = add_task(session, case, unit="claims", due_at=NOW + timedelta(minutes=20))
        later = add_task(session, case, unit="claims", due_at=NOW + timedelta(hours=3))
        no_deadline = add_task(session, case, unit="claims", due_at=None)

        rows = task_list(session, TaskFilter(unit="claims"), NOW)

        assert [r.id for r in rows] == [
            just_in_time.id,
            later.id,
            no_deadline.id,
            overdue.id,
            too_late.id,
        ]
        assert [r.slack_minutes is not None and r.slack_minutes < 0 for r in rows[-2:]] == [
            True,
            True,
        ]


def test_the_limit_is_filled_from_lost_tasks_only_after_every_saveable_one(
    database_url: str,
) -> None:
    with database(database_url) as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        lost = [
            add_task(session, case, unit="claims", due_at=NOW - timedelta(hours=h)).id
            for h in (1, 2)
        ]
        saveable = [
            add_task(session, case, unit="claims", due_at=NOW + timedelta(hours=h)).id
            for h in (1, 2)
        ]

        rows = task_list(session, TaskFilter(unit="claims", limit=3), NOW)

        assert [r.id for r in rows] == [*saveable, lost[1]]


def test_an_agents_own_list_puts_lost_tasks_last_too(database_url: str) -> None:
    with database(database_url) as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        lost = add_task(session, case, unit="claims", due_at=NOW - timedelta(hours=1))
        saveable = add_task(session, case, unit="claims", due_at=NOW + timedelta(hours=1))
        lost.assignee = saveable.assignee = "t.lewandowski"
        session.flush()

        rows = task_list(session, TaskFilter(agent="t.lewandowski"), NOW)

        assert [r.id for r in rows] == [saveable.id, lost.id]


def test_claim_next_takes_a_saveable_task_before_a_lost_one_and_the_lost_one_after(
    database_url: str,
) -> None:
    with database(database_url) as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        lost = add_task(session, case, unit="claims", due_at=NOW - timedelta(minutes=30))
        saveable = add_task(session, case, unit="claims", due_at=NOW + timedelta(hours=4))

        first = claim_next(session, "claims", "t.lewandowski", NOW, POLICY)
        second = claim_next(session, "claims", "g.grabowska", NOW, POLICY)

        assert (first.task_id, second.task_id) == (saveable.id, lost.id)


def test_the_lost_cut_off_is_the_same_moment_whatever_the_time_zone_of_now_and_of_the_deadline(
    database_url: str,
) -> None:
    warsaw, new_york = ZoneInfo("Europe/Warsaw"), ZoneInfo("America/New_York")
    with database(database_url) as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        # Needs 15 minutes: due in exactly 15 it can still be in time, due in 14 it cannot.
        in_time = add_task(
            session, case, unit="claims", due_at=(NOW + timedelta(minutes=15)).astimezone(new_york)
        )
        lost = add_task(
            session, case, unit="claims", due_at=(NOW + timedelta(minutes=14)).astimezone(warsaw)
        )

        rows = task_list(session, TaskFilter(unit="claims"), NOW.astimezone(warsaw))
        claim = claim_next(session, "claims", "t.lewandowski", NOW.astimezone(new_york), POLICY)

        assert [r.id for r in rows] == [in_time.id, lost.id]
        assert claim.task_id == in_time.id
