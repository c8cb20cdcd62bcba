"""The surge simulator: contacts through the real routing and queue rules, agents in business
hours, absences and substitutes, policies compared, and the `intake simulate` command."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cli_runner import run_intake
from tests.conftest import SAMPLES
from tests.task_fixtures import add_task, database, open_case
from workflow.business_time import business_calendar
from workflow.org import Organisation, load_organisation
from workflow.org_models import Absence
from workflow.queue import TaskFilter, task_list
from workflow.routing import ContactFacts
from workflow.simulation.arrivals import Arrival, draw_arrivals
from workflow.simulation.capacity import Staffing
from workflow.simulation.events import simulate
from workflow.simulation.jobs import Job
from workflow.simulation.policies import POLICIES, policy_named
from workflow.simulation.queues import UnitQueues
from workflow.simulation.report import summarise
from workflow.simulation.runs import PolicyRun, run_policies
from workflow.simulation.scenario import (
    Scenario,
    ScenarioError,
    TopicLoad,
    load_scenario,
    parse_surge,
)

WARSAW = ZoneInfo("Europe/Warsaw")
MONDAY = date(2026, 11, 23)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=WARSAW)
ORG_DIR = SAMPLES / "org"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def org() -> Organisation:
    return load_organisation(ORG_DIR)


@pytest.fixture(scope="module")
def demo_week(org: Organisation) -> Scenario:
    return load_scenario(org, ORG_DIR / "simulation.yaml", MONDAY)


def test_the_same_seed_gives_the_same_outcomes_and_another_seed_others(
    org: Organisation, demo_week: Scenario
) -> None:
    first = run_policies(org, demo_week, POLICIES[:1], days=2, seed=5)[0].result.outcomes
    again = run_policies(org, demo_week, POLICIES[:1], days=2, seed=5)[0].result.outcomes
    other = run_policies(org, demo_week, POLICIES[:1], days=2, seed=6)[0].result.outcomes
    assert first == again
    assert first != other


def test_a_2x_monday_surge_doubles_mondays_arrivals_and_leaves_tuesday_alone(
    org: Organisation, demo_week: Scenario
) -> None:
    surged = demo_week.with_surges({parse_surge("monday=2.0")[0]: 2.0})
    usual = _arrivals_per_day(draw_arrivals(demo_week, org.timezone, 2, seed=3))
    busy = _arrivals_per_day(draw_arrivals(surged, org.timezone, 2, seed=3))
    assert 1.8 < busy[MONDAY] / usual[MONDAY] < 2.2
    assert 0.85 < busy[MONDAY + timedelta(days=1)] / usual[MONDAY + timedelta(days=1)] < 1.15


def test_least_slack_with_overflow_meets_more_deadlines_than_fifo_under_a_monday_surge(
    org: Organisation, demo_week: Scenario
) -> None:
    surged = demo_week.with_surges({0: 2.0})
    policies = (policy_named("fifo"), policy_named("least-slack"))
    fifo, least_slack = (
        summarise(org, run.result) for run in run_policies(org, surged, policies, 5, seed=1)
    )
    assert least_slack.total.met_percent > fifo.total.met_percent
    assert least_slack.overflow_moves > 0
    assert fifo.overflow_moves == 0
    # Nothing is lost: every contact is answered in both, deadline met or not.
    assert fifo.total.unanswered == least_slack.total.unanswered == 0


def test_an_absent_agent_takes_no_work_and_the_substitute_serves_their_unit(
    org: Organisation,
) -> None:
    # Katarzyna Wójcik (deliveries) away all week; Ewa Szymańska (complaints) stands in.
    away = Absence("k.wojcik", MONDAY, MONDAY + timedelta(days=6), "e.szymanska")
    with_absence = replace(org, absences=(away,))
    without = replace(org, absences=())
    # Complaints keep the substitute busy too: standing in costs their own unit hours.
    loads = (TopicLoad("delivery", 150, 8.0), TopicLoad("complaint", 30, 20.0))
    scenario = Scenario(MONDAY, loads, handling_sigma=0.3)
    assert (
        Staffing(with_absence).unit_hours_on(MONDAY)["deliveries"]
        < Staffing(without).unit_hours_on(MONDAY)["deliveries"]
    )
    fifo = (policy_named("fifo"),)
    absent_run = run_policies(with_absence, scenario, fifo, 3, seed=2)[0].result
    full_run = run_policies(without, scenario, fifo, 3, seed=2)[0].result
    assert not any(o.agent == "k.wojcik" for o in absent_run.outcomes)
    covered = [o for o in absent_run.outcomes if o.agent == "e.szymanska"]
    assert any(o.unit == "deliveries" for o in covered)
    assert not any(o.agent == "e.szymanska" and o.unit == "deliveries" for o in full_run.outcomes)
    absent_wait = summarise(with_absence, absent_run).total.mean_wait_hours
    assert absent_wait > summarise(without, full_run).total.mean_wait_hours


def test_a_contact_on_saturday_is_due_and_answered_in_monday_business_hours(
    org: Organisation,
) -> None:
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=WARSAW)
    facts = ContactFacts(
        topic="delivery",
        topic_score=0.9,
        sentiment="neutral",
        sentiment_score=0.8,
        channel="email",
        language="pl",
        received_at=saturday,
    )
    result = simulate(
        org,
        [Arrival(0, facts, handling_minutes=20, expected_minutes=8)],
        policy_named("least-slack"),
        start=saturday - timedelta(hours=10),
        end=saturday + timedelta(hours=14),
    )
    (outcome,) = result.outcomes
    # Eight business hours of the office calendar, which is closed at the weekend: Monday 16:00.
    assert outcome.due_at == datetime(2026, 11, 30, 16, 0, tzinfo=WARSAW)
    assert outcome.started_at == datetime(2026, 11, 30, 8, 0, tzinfo=WARSAW)
    assert outcome.finished_at == datetime(2026, 11, 30, 8, 20, tzinfo=WARSAW)
    assert outcome.met_deadline


def test_a_scenario_mistake_names_the_file_line_and_key(org: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "simulation.yaml"
    path.write_text("start: 2026-11-23\ntopics:\n  billing: {per_day: lots, handling_minutes: 9}\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(org, path, MONDAY)
    assert f"{path}, line 3: topics.billing.per_day: expected a number" in str(raised.value)


def test_simulate_command_prints_the_comparison_and_writes_a_png(tmp_path: Path) -> None:
    chart = tmp_path / "surge.png"
    done = run_intake(
        tmp_path,
        "simulate",
        "--org",
        str(ORG_DIR),
        "--days",
        "2",
        "--surge",
        "monday=2.0",
        "--policy",
        "fifo",
        "--policy",
        "least-slack",
        "--seed",
        "4",
        "--chart",
        str(chart),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "least slack with overflow - FIFO:" in done.stdout
    assert "deliveries-warsaw" in done.stdout
    data = chart.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 20_000


def test_simulate_command_gives_the_same_figures_in_separate_processes(tmp_path: Path) -> None:
    # String hashing (and so set order) differs per process; the simulation must not depend on it.
    args = ("simulate", "--org", str(ORG_DIR), "--days", "2", "--surge", "mon=2", "--seed", "9")
    first = run_intake(tmp_path, *args, PYTHONHASHSEED="1")
    second = run_intake(tmp_path, *args, PYTHONHASHSEED="2")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert _without_speed(first.stdout) == _without_speed(second.stdout)


def _without_speed(output: str) -> str:
    # The rate's width shifts the centred titles too: runs of spaces count as one.
    return re.sub(r" +", " ", re.sub(r"events, [\d,]+/s", "events", output))


def test_simulate_command_rejects_a_malformed_surge_with_a_readable_message(
    tmp_path: Path,
) -> None:
    done = run_intake(tmp_path, "simulate", "--org", str(ORG_DIR), "--surge", "monday=abc")
    assert done.returncode == 2
    assert "--surge 'monday=abc': factor 'abc' is not a number" in done.stderr
    assert "Traceback" not in done.stderr


def _job(job_id: int, unit: str, due_at: datetime, expected: float = 15.0) -> Job:
    return Job(job_id, "claim", unit, 3, MONDAY_9, due_at, expected, expected)


def test_least_slack_serves_saveable_jobs_before_lost_ones_and_strict_slack_does_not() -> None:
    now = MONDAY_9 + timedelta(hours=2)
    # Due in 10 minutes, 15 to do: lost. Due in an hour: saveable, but with more slack.
    lost = _job(1, "claims", now + timedelta(minutes=10))
    saveable = _job(2, "claims", now + timedelta(hours=1))
    orders = {}
    for name in ("least-slack", "strict-slack"):
        queues = UnitQueues(policy_named(name))
        for job in (replace(lost), replace(saveable)):
            queues.push(job)
        orders[name] = [queues.take_best(("claims",), now).id for _ in range(2)]  # type: ignore[union-attr]
        assert queues.take_best(("claims",), now) is None
    assert orders == {"least-slack": [2, 1], "strict-slack": [1, 2]}


def test_the_simulated_least_slack_order_is_the_task_lists_order(tmp_path: Path) -> None:
    now = MONDAY_9.astimezone(UTC) + timedelta(hours=2)
    plans = [  # (minutes until due, expected minutes), some lost, some saveable
        (-120, 15),
        (10, 15),
        (20, 15),
        (300, 240),
        (90, 10),
        (-5, 30),
        (2880, 15),
    ]
    queues = UnitQueues(policy_named("least-slack"))
    task_ids: dict[int, int] = {}
    with database(f"sqlite:///{tmp_path / 'tasks.db'}") as sessions, sessions.begin() as session:
        case = open_case(session, "claims")
        for index, (until, expected) in enumerate(plans):
            due = now + timedelta(minutes=until)
            task = add_task(session, case, unit="claims", due_at=due, expected_minutes=expected)
            task_ids[task.id] = index
            queues.push(_job(index, "claims", due, expected))
        listed = [task_ids[row.id] for row in task_list(session, TaskFilter(unit="claims"), now)]
    simulated = [queues.take_best(("claims",), now).id for _ in plans]  # type: ignore[union-attr]
    assert simulated == listed
    # The three that cannot be in time any more come last, least slack first among them.
    assert listed[-3:] == [0, 5, 1]


def test_overflow_counts_jobs_being_worked_on_in_the_queue_as_production_does() -> None:
    # Production's queue_ahead counts open and claimed tasks: an agent's current job is ahead.
    queues = UnitQueues(policy_named("least-slack"))
    first = _job(1, "claims", MONDAY_9 + timedelta(hours=1))
    second = _job(2, "claims", MONDAY_9 + timedelta(hours=2))
    queues.push(first)
    queues.push(second)
    taken = queues.take_best(("claims",), MONDAY_9)
    assert taken is first
    assert queues.waiting("claims") == 1
    assert queues.ahead("claims", second.due_at.timestamp()) == 2
    assert queues.busy_before(second) == 1
    queues.finished(first)
    assert queues.ahead("claims", second.due_at.timestamp()) == 1


def test_an_overflowed_contact_is_answered_by_an_agent_of_the_backup_unit(
    org: Organisation, demo_week: Scenario
) -> None:
    surged = demo_week.with_surges({0: 2.0})
    run = run_policies(org, surged, (policy_named("least-slack"),), 5, seed=4)[0].result
    moved = [o for o in run.outcomes if o.original_unit is not None]
    assert run.overflow_moves == len(moved) > 0
    for outcome in moved:
        assert outcome.unit == org.unit(outcome.original_unit).backup  # type: ignore[arg-type]
        assert outcome.agent is not None
        assert outcome.unit in org.agent(outcome.agent).units


def test_a_topic_surge_multiplies_that_topic_on_its_day_only(org: Organisation) -> None:
    outage = load_scenario(org, ORG_DIR / "simulation-outage.yaml", MONDAY)
    week = load_scenario(org, ORG_DIR / "simulation.yaml", MONDAY)
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    assert outage.volume_factor(tuesday, "technical") == 3.0
    assert outage.volume_factor(tuesday, "billing") == 1.0
    assert outage.volume_factor(wednesday, "technical") == 1.0
    counts = {
        name: _per_topic_and_day(draw_arrivals(scenario, org.timezone, 3, seed=3))
        for name, scenario in (("outage", outage), ("week", week))
    }
    assert 2.6 < counts["outage"][("technical", tuesday)] / 69 < 3.4
    # Draws before the surge are the same contacts; after it the generator has moved on, so
    # Wednesday is another draw of an ordinary day.
    for key in (("technical", MONDAY), ("billing", MONDAY), ("delivery", tuesday)):
        assert counts["outage"][key] == counts["week"][key]
    assert 0.6 < counts["outage"][("technical", wednesday)] / 69 < 1.4


def test_a_topic_surge_mistake_names_the_line_and_what_is_wrong(
    org: Organisation, tmp_path: Path
) -> None:
    message = _scenario_problems(
        org,
        tmp_path,
        "topic_surges:\n"
        "  - {topic: technical, day: someday, factor: 3}\n"
        "  - {topic: weather, day: tue, factor: 2}\n",
    )
    assert "line 2: topic_surges[0].day: 'someday' is neither a weekday" in message
    assert "line 3: topic_surges[1].topic: 'weather' is not a topic" in message


def test_under_an_outage_lost_work_last_saves_technical_support_deadlines(
    org: Organisation,
) -> None:
    outage = load_scenario(org, ORG_DIR / "simulation-outage.yaml", MONDAY)
    names = ("fifo", "least-slack", "strict-slack")
    runs = run_policies(org, outage, tuple(policy_named(n) for n in names), 5, seed=1)
    support = {
        name: next(u for u in summarise(org, run.result).units if u.unit == "techsupport")
        for name, run in zip(names, runs, strict=True)
    }
    # Strictly by least slack a swamped unit serves the work that breaks anyway, like FIFO;
    # lost work last serves what can still be in time first.
    assert support["least-slack"].met > support["strict-slack"].met
    assert support["least-slack"].met > support["fifo"].met
    assert support["fifo"].unanswered == support["least-slack"].unanswered == 0


def test_a_scenario_deadline_policy_gives_the_simulated_contacts_its_deadline(
    org: Organisation,
) -> None:
    promise = load_scenario(org, ORG_DIR / "simulation-same-day.yaml", MONDAY)
    week = load_scenario(org, ORG_DIR / "simulation.yaml", MONDAY)
    fifo = (policy_named("fifo"),)
    hours = {
        name: _billing_response_hours(org, run_policies(org, scenario, fifo, 2, seed=3)[0])
        for name, scenario in (("promise", promise), ("week", week))
    }
    # topics.yaml gives billing 16 business hours; the scenario's promise is 4 (VIPs 1).
    assert hours["week"] and max(hours["week"]) > 4
    assert hours["promise"] and max(hours["promise"]) == pytest.approx(4)
    assert min(hours["promise"]) == pytest.approx(1)
    # The organisation itself is not changed by planning with another promise.
    assert org.service_level("vip").first_response_hours == 2
    assert all(level.code != "billing-same-day" for level in org.service_levels)


def _billing_response_hours(org: Organisation, run: PolicyRun) -> list[float]:
    calendar = business_calendar(org.calendar(org.unit("billing").calendar))
    return [
        round(calendar.business_hours_between(o.arrived_at, o.due_at), 6)
        for o in run.result.outcomes
        if o.unit == "billing" and o.original_unit is None
    ]


def test_a_same_day_promise_survives_a_monday_surge_only_with_least_slack(
    org: Organisation,
) -> None:
    promise = load_scenario(org, ORG_DIR / "simulation-same-day.yaml", MONDAY)
    policies = (policy_named("fifo"), policy_named("least-slack"))
    ordinary, surged = (
        [summarise(org, run.result).total for run in run_policies(org, s, policies, 5, seed=1)]
        for s in (promise, promise.with_surges({0: 2.0}))
    )
    # An ordinary week keeps the promise either way; the surge breaks it for FIFO, whose queue
    # makes every contact wait behind Monday's, and not for the least-slack order.
    assert ordinary[0].met_percent > 90 and ordinary[1].met_percent > 90
    assert surged[0].met_percent < 80
    assert surged[1].met_percent > surged[0].met_percent + 10


def test_a_variant_scenario_is_its_base_with_only_its_own_keys_changed(
    org: Organisation, demo_week: Scenario
) -> None:
    outage = load_scenario(org, ORG_DIR / "simulation-outage.yaml", MONDAY)
    assert outage.topic_surges
    assert replace(outage, topic_surges=()) == demo_week


def test_a_scenario_deadline_mistake_names_the_line_and_what_is_wrong(
    org: Organisation, tmp_path: Path
) -> None:
    message = _scenario_problems(
        org,
        tmp_path,
        "deadlines:\n"
        "  - {code: fast, topic: weather, first_response_hours: 2}\n"
        "  - {code: faster, topic: billing}\n"
        "  - {code: odd, topic: billing, first_response_hours: 8, resolution_hours: 4}\n",
    )
    assert "line 2: deadlines[0].topic: unknown topic 'weather'" in message
    assert "line 3: deadlines[1].first_response_hours: required key is missing" in message
    assert "line 4: deadlines[2].resolution_hours: resolution (4 h) must not come before" in message


def test_a_scenario_that_is_its_own_base_is_refused_with_the_chain(
    org: Organisation, tmp_path: Path
) -> None:
    (tmp_path / "a.yaml").write_text("base: b.yaml\n")
    (tmp_path / "b.yaml").write_text("base: a.yaml\nvip_share: 0.1\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(org, tmp_path / "a.yaml", MONDAY)
    assert "the scenario is its own base" in str(raised.value)
    assert "line 1: base: 'b.yaml' cannot be used" in str(raised.value)


def test_a_missing_base_is_named_beside_the_files_other_mistakes(
    org: Organisation, tmp_path: Path
) -> None:
    message = _scenario_problems(org, tmp_path, "base: gone.yaml\nvip_share: 3\n")
    assert "line 1: base: 'gone.yaml' cannot be used" in message
    assert "scenario file not found" in message
    assert "line 2: vip_share" in message


def _scenario_problems(org: Organisation, tmp_path: Path, text: str) -> str:
    """What loading a scenario file of `text` reports (it must be refused)."""
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(org, path, MONDAY)
    return str(raised.value)


def _per_topic_and_day(arrivals: list[Arrival]) -> dict[tuple[str | None, date], int]:
    counts: dict[tuple[str | None, date], int] = {}
    for arrival in arrivals:
        key = (arrival.facts.topic, arrival.facts.received_at.astimezone(WARSAW).date())
        counts[key] = counts.get(key, 0) + 1
    return counts


def _arrivals_per_day(arrivals: list[Arrival]) -> dict[date, int]:
    counts: dict[date, int] = {}
    for arrival in arrivals:
        day = arrival.facts.received_at.astimezone(WARSAW).date()
        counts[day] = counts.get(day, 0) + 1
    return counts
