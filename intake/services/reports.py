"""Reports for supervisors and administrators: contacts by channel, topic and sentiment over
time, the Pareto of topics and deadline attainment per unit, over a period of local dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from intake.app import App
from intake.services.access import require_role
from intake.services.errors import NotFound, ServiceError
from intake.services.principal import Principal
from workflow import reports
from workflow.accounts import Role
from workflow.models import utcnow
from workflow.report_periods import BucketSize, Period
from workflow.reports import AttainmentRow, ParetoRow, TimeSeries

DEFAULT_DAYS = 28
MAX_DAYS = 3 * 366
# Longer periods are shown by week unless the person asks for days.
DAILY_UP_TO_DAYS = 62
SENTIMENTS = ("negative", "neutral", "positive")


class BadPeriod(ServiceError):
    """A period the reports cannot use; the message says which part and why."""


@dataclass(frozen=True)
class ReportInfo:
    name: str
    title: str
    summary: str


REPORTS = (
    ReportInfo("channels", "Contacts by channel", "Contacts received per day or week, by channel."),
    ReportInfo("topics", "Contacts by topic", "Contacts received per day or week, by topic."),
    ReportInfo(
        "pareto",
        "Pareto of topics",
        "Topics from the most frequent down, with the running share of all contacts.",
    ),
    ReportInfo(
        "sentiment", "Sentiment over time", "Share of negative, neutral and positive contacts."
    ),
    ReportInfo(
        "attainment",
        "Deadline attainment per unit",
        "Tasks completed in the period no later than their deadline, of those with one.",
    ),
)


def report_info(name: str) -> ReportInfo:
    for info in REPORTS:
        if info.name == name:
            return info
    known = ", ".join(info.name for info in REPORTS)
    raise NotFound(f"no report '{name}'; the reports are {known}")


@dataclass(frozen=True)
class ParetoReport:
    period: Period
    rows: tuple[ParetoRow, ...]

    @property
    def total(self) -> int:
        return sum(row.contacts for row in self.rows)

    @property
    def vital_few(self) -> tuple[ParetoRow, ...]:
        """The topics up to and including the one that brings the running share to 80%."""
        few: list[ParetoRow] = []
        for row in self.rows:
            few.append(row)
            if row.cumulative_share >= 0.8:
                break
        return tuple(few)


@dataclass(frozen=True)
class AttainmentReport:
    period: Period
    rows: tuple[AttainmentRow, ...]


def _parse_date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadPeriod(f"the {what} date '{value}' is not a date like 2026-11-23") from None


def period_of(
    app: App,
    first: str | None = None,
    last: str | None = None,
    bucket: str | None = None,
    *,
    now: datetime | None = None,
) -> Period:
    """The period of the form or query string; by default the last four weeks up to today."""
    timezone = app.organisation.timezone
    today = (now or utcnow()).astimezone(ZoneInfo(timezone)).date()
    last_day = _parse_date(last, "to") if last else today
    first_day = _parse_date(first, "from") if first else last_day - timedelta(DEFAULT_DAYS - 1)
    if last_day < first_day:
        raise BadPeriod(f"the period ends ({last_day}) before it starts ({first_day})")
    days = (last_day - first_day).days + 1
    if days > MAX_DAYS:
        raise BadPeriod(f"a report covers at most {MAX_DAYS} days; this period has {days}")
    if bucket:
        try:
            size = BucketSize(bucket)
        except ValueError:
            raise BadPeriod(f"buckets are 'day' or 'week', not '{bucket}'") from None
    else:
        size = BucketSize.DAY if days <= DAILY_UP_TO_DAYS else BucketSize.WEEK
    return Period(first_day, last_day, size, timezone)


def _allowed(principal: Principal) -> None:
    require_role(principal, Role.SUPERVISOR)


def volumes(app: App, principal: Principal, period: Period, by: str) -> TimeSeries:
    """Contacts per bucket by `channel` or `topic`."""
    _allowed(principal)
    with app.sessions() as session:
        return reports.contacts_over_time(session, period, by)


def sentiment(app: App, principal: Principal, period: Period) -> TimeSeries:
    """Contacts per bucket by sentiment, always in the order negative, neutral, positive."""
    _allowed(principal)
    with app.sessions() as session:
        found = reports.contacts_over_time(session, period, "sentiment")
    by_label = {series.label: series for series in found.series}
    zeros = tuple(0 for _ in found.buckets)
    wanted = [*SENTIMENTS, *sorted(set(by_label) - set(SENTIMENTS))]
    ordered = tuple(by_label.get(label, reports.Series(label, zeros)) for label in wanted)
    return TimeSeries(found.period, found.buckets, ordered)


def topic_pareto(app: App, principal: Principal, period: Period) -> ParetoReport:
    _allowed(principal)
    with app.sessions() as session:
        counts = reports.topic_counts(session, period)
    return ParetoReport(period, reports.pareto(counts))


def attainment(app: App, principal: Principal, period: Period) -> AttainmentReport:
    _allowed(principal)
    with app.sessions() as session:
        return AttainmentReport(period, reports.deadline_attainment(session, period))
