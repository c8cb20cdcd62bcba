"""Reports on known data: the Pareto order and cumulative shares, local-day buckets across a
daylight-saving change, deadline attainment, the CSV columns, the API and who may see them; the
aggregations run on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from intake.app import App, open_app
from intake.services.errors import Forbidden
from intake.services.principal import Principal
from intake.services.reports import BadPeriod, period_of, sentiment, topic_pareto, volumes
from intake.services.reports_tables import report_table
from intake.web.charts import nice_ceiling
from tests.conftest import base_settings
from tests.web_support import (
    BILLING,
    SUPERVISOR,
    add_people,
    browser_sign_in,
    chromium_page,
    client_for,
    live_intake,
    need_chromium,
    routed_email,
    sign_in,
)
from workflow.accounts import Role, issue_api_token
from workflow.db import unit_of_work
from workflow.models import Case, Contact, Task, TaskStatus
from workflow.report_periods import BucketSize, Period
from workflow.reports import pareto

BOSS = Principal(1, "boss", "Boss", Role.SUPERVISOR, (), None)
CLERK = Principal(2, "clerk", "Clerk", Role.BACKOFFICE, ("claims",), None)
# Known topic counts: billing 5, claim 3, delivery 1, complaint 1 (10 contacts).
TOPICS = {"billing": 5, "claim": 3, "delivery": 1, "complaint": 1}
NOVEMBER = Period(date(2026, 11, 2), date(2026, 11, 8), BucketSize.DAY, "Europe/Warsaw")


@pytest.fixture
def any_app(database_url: str, tmp_path: Path) -> Iterator[App]:
    application = open_app(base_settings(tmp_path / "var", database_url=database_url))
    application.sync_organisation()
    yield application
    application.close()


def _contact(
    number: int,
    received_at: datetime,
    *,
    topic: str | None = None,
    sentiment: str | None = None,
    channel: str = "email",
    noise: str | None = None,
) -> Contact:
    return Contact(
        channel=channel,
        source=f"test-{number}",
        source_key=f"test-{number}",
        sha256=f"{number:064d}",
        received_at=received_at,
        topic=topic,
        sentiment=sentiment,
        noise=noise,
        subject=f"contact {number}",
        text="",
    )


def _add_known_topics(app: App) -> None:
    moment = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    number = 0
    with unit_of_work(app.sessions) as session:
        for topic, count in TOPICS.items():
            for _ in range(count):
                number += 1
                session.add(_contact(number, moment, topic=topic))
        # Outside the period, and an auto-reply inside it: neither is counted.
        session.add(_contact(100, datetime(2026, 10, 1, tzinfo=UTC), topic="claim"))
        session.add(_contact(101, moment, topic="claim", noise="auto-reply"))


def test_pareto_sorts_topics_largest_first_with_running_shares() -> None:
    rows = pareto({"b": 2, "a": 2, "c": 6})
    assert [(r.topic, r.contacts) for r in rows] == [("c", 6), ("a", 2), ("b", 2)]
    assert [r.share for r in rows] == [0.6, 0.2, 0.2]
    assert [round(r.cumulative_share, 6) for r in rows] == [0.6, 0.8, 1.0]
    assert pareto({}) == ()


def test_the_pareto_report_counts_in_the_database(any_app: App) -> None:
    _add_known_topics(any_app)
    report = topic_pareto(any_app, BOSS, NOVEMBER)
    assert [(r.topic, r.contacts) for r in report.rows] == [
        ("billing", 5),
        ("claim", 3),
        ("complaint", 1),
        ("delivery", 1),
    ]
    assert [r.cumulative_share for r in report.rows] == [0.5, 0.8, 0.9, 1.0]
    assert [r.topic for r in report.vital_few] == ["billing", "claim"]


def test_days_are_local_days_also_across_the_clock_change(any_app: App) -> None:
    # 2026-10-25 Warsaw goes from UTC+2 to UTC+1. 22:30 UTC on the 24th is 00:30 on the 25th;
    # 23:30 UTC on the 25th is 00:30 on the 26th.
    moments = [
        datetime(2026, 10, 24, 21, 30, tzinfo=UTC),  # 23:30 on the 24th
        datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 00:30 on the 25th
        datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # 23:30 on the 25th
        datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # 00:30 on the 26th
    ]
    with unit_of_work(any_app.sessions) as session:
        for number, moment in enumerate(moments):
            session.add(_contact(number, moment, channel="scan" if number % 2 else "email"))
    period = Period(date(2026, 10, 24), date(2026, 10, 26), BucketSize.DAY, "Europe/Warsaw")
    series = volumes(any_app, BOSS, period, "channel")
    assert series.buckets == (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26))
    assert series.totals == (1, 2, 1)
    counts = {s.label: s.counts for s in series.series}
    assert counts == {"email": (1, 1, 0), "scan": (0, 1, 1)}
    weekly = volumes(any_app, BOSS, replace(period, size=BucketSize.WEEK), "channel")
    assert weekly.buckets == (date(2026, 10, 19), date(2026, 10, 26))
    assert weekly.totals == (3, 1)


def test_sentiment_shares_come_in_a_fixed_order(any_app: App) -> None:
    moment = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    with unit_of_work(any_app.sessions) as session:
        for number, feeling in enumerate(["negative", "negative", "positive", None]):
            session.add(_contact(number, moment, sentiment=feeling))
    series = sentiment(any_app, BOSS, NOVEMBER)
    assert [s.label for s in series.series] == ["negative", "neutral", "positive", "unclassified"]
    assert series.shares("negative")[1] == 0.5
    assert series.shares("positive")[0] is None  # nothing arrived on Monday


def _done_task(case: Case, due: datetime | None, completed: datetime) -> Task:
    return Task(
        case=case,
        unit=case.unit,
        kind="answer",
        status=TaskStatus.DONE,
        due_at=due,
        completed_at=completed,
    )


def test_deadline_attainment_counts_tasks_completed_in_time(any_app: App) -> None:
    noon = datetime(2026, 11, 5, 11, 0, tzinfo=UTC)
    with unit_of_work(any_app.sessions) as session:
        claims = Case(unit="claims", subject="c")
        billing = Case(unit="billing", subject="b")
        session.add_all([claims, billing])
        session.add_all(
            [
                _done_task(claims, noon + timedelta(hours=1), noon),
                _done_task(claims, noon, noon),  # exactly at the deadline is on time
                _done_task(claims, noon - timedelta(hours=1), noon),
                _done_task(claims, None, noon),
                _done_task(billing, noon - timedelta(days=1), noon),
                # Completed before the period: not counted.
                _done_task(claims, noon, datetime(2026, 10, 1, tzinfo=UTC)),
            ]
        )
    table = report_table(any_app, BOSS, "attainment", NOVEMBER)
    assert table.records() == [
        {
            "unit": "billing",
            "completed": 1,
            "on_time": 0,
            "late": 1,
            "without_deadline": 0,
            "attainment": 0.0,
        },
        {
            "unit": "claims",
            "completed": 4,
            "on_time": 2,
            "late": 1,
            "without_deadline": 1,
            "attainment": 0.6667,
        },
    ]


def test_reports_are_for_supervisors_and_administrators(app: App) -> None:
    with pytest.raises(Forbidden):
        topic_pareto(app, CLERK, NOVEMBER)


def test_a_bad_period_is_refused_with_the_reason(app: App) -> None:
    with pytest.raises(BadPeriod, match="not a date like"):
        period_of(app, "23.11.2026", None, None)
    with pytest.raises(BadPeriod, match=r"ends .* before it starts"):
        period_of(app, "2026-11-10", "2026-11-01", None)
    with pytest.raises(BadPeriod, match="'day' or 'week'"):
        period_of(app, None, None, "month")
    now = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # already the 24th in Warsaw
    default = period_of(app, None, None, None, now=now)
    assert (default.first, default.last, default.size) == (
        date(2026, 10, 28),
        date(2026, 11, 24),
        BucketSize.DAY,
    )


@pytest.fixture
def supervisor_client(app: App) -> TestClient:
    _add_known_topics(app)
    add_people(app)
    client = client_for(app)
    sign_in(client, SUPERVISOR)
    return client


_RANGE = {"from": "2026-11-02", "to": "2026-11-08"}


def test_the_pareto_csv_has_its_columns_and_rows(supervisor_client: TestClient) -> None:
    response = supervisor_client.get("/reports/pareto.csv", params=_RANGE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "intake-pareto-2026-11-02-2026-11-08.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["rank", "topic", "contacts", "share", "cumulative_share"]
    assert rows[1:3] == [["1", "billing", "5", "0.5", "0.5"], ["2", "claim", "3", "0.3", "0.8"]]


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("channels", ["period_start", "channel", "contacts"]),
        ("topics", ["period_start", "topic", "contacts"]),
        ("sentiment", ["period_start", "sentiment", "contacts", "share"]),
        ("attainment", ["unit", "completed", "on_time", "late", "without_deadline", "attainment"]),
    ],
)
def test_every_csv_export_starts_with_its_columns(
    supervisor_client: TestClient, name: str, columns: list[str]
) -> None:
    response = supervisor_client.get(f"/reports/{name}.csv", params=_RANGE)
    assert response.status_code == 200
    assert next(csv.reader(io.StringIO(response.text))) == columns


def test_the_topics_csv_has_one_row_per_day_and_topic(supervisor_client: TestClient) -> None:
    response = supervisor_client.get("/reports/topics.csv", params=_RANGE)
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 7 * len(TOPICS)
    wednesday = {r["topic"]: r["contacts"] for r in rows if r["period_start"] == "2026-11-04"}
    assert wednesday == {topic: str(count) for topic, count in TOPICS.items()}


def test_the_reports_page_draws_the_pareto_with_its_80_percent_line(
    supervisor_client: TestClient,
) -> None:
    page = supervisor_client.get("/reports", params=_RANGE)
    assert page.status_code == 200
    text = page.text
    # Four charts; attainment has no tasks in the period, so no chart but a sentence.
    assert text.count("<svg") == 4
    assert 'class="reference"' in text and ">80%</text>" in text
    assert 'class="cumulative"' in text
    assert "2 of 4 topics" in text and "billing, claim" in text
    assert "/reports/pareto.csv?from=2026-11-02&amp;to=2026-11-08&amp;bucket=day" in text
    assert "No unit completed a task in this period." in text


def test_an_empty_period_says_so(supervisor_client: TestClient) -> None:
    page = supervisor_client.get("/reports", params={"from": "2025-01-01", "to": "2025-01-31"})
    assert page.status_code == 200
    assert "No contacts were received in this period." in page.text


def test_the_back_office_cannot_open_reports_nor_their_csv(app: App) -> None:
    add_people(app)
    client = client_for(app)
    sign_in(client, BILLING)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/pareto.csv").status_code == 403


def test_the_api_serves_a_report_as_json(app: App) -> None:
    _add_known_topics(app)
    add_people(app)
    with unit_of_work(app.sessions) as session:
        boss = issue_api_token(session, SUPERVISOR, "bi", "test")
        clerk = issue_api_token(session, BILLING, "bi", "test")
    client = client_for(app)
    response = client.get(
        "/api/v1/reports/pareto", params=_RANGE, headers={"Authorization": f"Bearer {boss}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["columns"] == ["rank", "topic", "contacts", "share", "cumulative_share"]
    assert body["rows"][1] == {
        "rank": 2,
        "topic": "claim",
        "contacts": 3,
        "share": 0.3,
        "cumulative_share": 0.8,
    }
    headers = {"Authorization": f"Bearer {boss}"}
    assert client.get("/api/v1/reports/nonsense", headers=headers).status_code == 404
    refused = client.get("/api/v1/reports/pareto", headers={"Authorization": f"Bearer {clerk}"})
    assert refused.status_code == 403


def test_axes_end_on_round_numbers() -> None:
    assert nice_ceiling(7) == (8, 2)
    assert nice_ceiling(0) == (1.0, 0.25)
    assert nice_ceiling(1234) == (1250, 250)


# --- in a browser -------------------------------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def _a_month_of_contacts(app: App, today: date) -> None:
    """Four weeks of contacts and completed tasks, drawn from a fixed seed."""
    rng = random.Random(7)
    topics = ["billing", "claim", "delivery", "complaint", "technical", "loyalty"]
    weights = [30, 22, 14, 8, 5, 3]
    feelings = ["negative", "neutral", "positive"]
    with unit_of_work(app.sessions) as session:
        cases = {
            unit: Case(unit=unit, subject=unit) for unit in ("billing", "claims", "deliveries")
        }
        session.add_all(cases.values())
        for number in range(400):
            day = today - timedelta(days=rng.randrange(28))
            moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=rng.uniform(6, 18)
            )
            session.add(
                _contact(
                    1000 + number,
                    moment,
                    topic=rng.choices(topics, weights)[0],
                    sentiment=rng.choices(feelings, [5, 4, 1])[0],
                    channel=rng.choices(["email", "scan"], [3, 1])[0],
                )
            )
        for number in range(90):
            case = list(cases.values())[number % 3]
            completed = datetime.combine(
                today - timedelta(days=rng.randrange(28)), datetime.min.time(), UTC
            ) + timedelta(hours=10)
            slack = timedelta(hours=rng.uniform(-8, 30 if case.unit != "claims" else 4))
            session.add(_done_task(case, completed + slack, completed))


@pytest.mark.slow
def test_in_a_browser_a_supervisor_reads_the_reports_and_searches_the_letters(
    app: App, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    need_chromium()
    contact_id = routed_email(app, tmp_path / "mail", "en_claim_02.eml")
    routed_email(app, tmp_path / "mail", "pl_complaint_01.eml")
    add_people(app)
    today = datetime.now(ZoneInfo(app.organisation.timezone)).date()
    _a_month_of_contacts(app, today)
    with live_intake(app.settings.home) as server, chromium_page(server.url) as page:
        assert isinstance(page, Page)
        browser_sign_in(page, SUPERVISOR)
        page.goto("/reports")
        expect(page.get_by_role("heading", name="Pareto of topics")).to_be_visible()
        page.get_by_label("Count per").select_option("week")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("#channels tbody tr").first).to_contain_text("wk ")
        page.get_by_label("Count per").select_option("day")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("#pareto tbody tr").first).to_contain_text("billing")
        page.screenshot(path=str(SCREENSHOTS / "reports.png"), full_page=True)

        page.get_by_role("link", name="Search").click()
        page.get_by_label("Words").fill("zlozyc skarge")
        page.get_by_label("Words").press("Enter")
        expect(page.locator("ol.results mark").first).to_have_text("złożyć")
        page.get_by_label("Words").fill("grinder")
        page.get_by_role("button", name="Search").click()
        # The first search's list also has one result: wait for the new one before counting.
        expect(page.locator("ol.results mark").first).to_have_text(re.compile("grinder", re.I))
        expect(page.locator("ol.results li")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)
        page.locator("ol.results h2 a").click()
        expect(page).to_have_url(re.compile(f"/contacts/{contact_id}$"))
