"""Many agents claiming at once: every task is claimed exactly once, none twice, none lost."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.task_fixtures import TUESDAY_10, bulk_tasks, database
from workflow.db import make_engine, session_factory
from workflow.models import Task, TaskStatus
from workflow.tasks import ClaimOutcome, LeasePolicy, claim_next

# Long leases and unlimited capacity: this test is about races, not about expiry or limits.
POLICY = LeasePolicy(lease=timedelta(hours=8), default_capacity=1_000_000)


def claim_everything(url: str, workers: int) -> list[tuple[str, int]]:
    """`workers` threads, each with its own connection like separate agents' processes, claim
    from the claims unit until nothing is left."""
    claims: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(workers)

    def work(agent: str) -> None:
        engine = make_engine(url)
        sessions = session_factory(engine)
        try:
            start.wait()
            while True:
                with sessions.begin() as session:
                    claim = claim_next(session, "claims", agent, TUESDAY_10, POLICY)
                if claim.outcome is ClaimOutcome.NOTHING:
                    return
                if claim.outcome is ClaimOutcome.CLAIMED:
                    assert claim.task_id is not None
                    with lock:
                        claims.append((agent, claim.task_id))
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work, args=(f"agent{i}",)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return claims


def assert_each_claimed_once(
    sessions: sessionmaker[Session], claims: list[tuple[str, int]]
) -> None:
    with sessions() as session:
        all_ids = set(session.scalars(select(Task.id)))
        claimed = {
            task_id: agent for task_id, agent in session.execute(select(Task.id, Task.claimed_by))
        }
        open_left = session.scalar(
            select(func.count()).select_from(Task).where(Task.status == TaskStatus.OPEN)
        )
    times = Counter(task_id for _agent, task_id in claims)
    assert [task_id for task_id, n in times.items() if n > 1] == []
    assert set(times) == all_ids
    assert open_left == 0
    # The database agrees with what each worker was told.
    assert all(claimed[task_id] == agent for agent, task_id in claims)


@pytest.mark.slow
def test_sixteen_workers_claim_ten_thousand_tasks_on_postgresql_exactly_once(
    postgres_url: str,
) -> None:
    with database(postgres_url) as sessions:
        with sessions.begin() as session:
            bulk_tasks(session, "claims", 10_000, TUESDAY_10)
            # Commits without waiting for the disk: the locking under test is the same, and the
            # test takes seconds instead of a minute of fsyncs.
            name = session.get_bind().url.database
            session.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        claims = claim_everything(postgres_url, workers=16)
        assert len(claims) == 10_000
        assert len({agent for agent, _ in claims}) > 1
        assert_each_claimed_once(sessions, claims)


def test_eight_workers_claim_three_hundred_tasks_on_sqlite_exactly_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'intake.db'}"
    with database(url) as sessions:
        with sessions.begin() as session:
            bulk_tasks(session, "claims", 300, TUESDAY_10)
        claims = claim_everything(url, workers=8)
        assert len(claims) == 300
        assert_each_claimed_once(sessions, claims)
