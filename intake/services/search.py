"""Full-text search over the contacts a person may see: their words, subjects, senders and the
answers written on their cases, narrowed by topic, product, sentiment, channel and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from intake.app import App
from intake.services.errors import ServiceError
from intake.services.principal import Principal
from workflow import search as index
from workflow.accounts import Role
from workflow.models import Case, Contact
from workflow.search import SearchFilters, SearchPage, SearchScope
from workflow.search_terms import parse_terms

PER_PAGE = 20
MAX_PAGE = 500
SENTIMENTS = ("negative", "neutral", "positive")
CHANNELS = ("email", "scan")


class BadSearch(ServiceError):
    """A search the index cannot run; the message says which field and why."""


@dataclass(frozen=True)
class SearchForm:
    """What the person asked, as typed, for the form to show again."""

    words: str = ""
    topic: str = ""
    product: str = ""
    sentiment: str = ""
    channel: str = ""
    first: str = ""
    last: str = ""
    page: int = 1

    @property
    def asked(self) -> bool:
        return any((self.words.strip(), self.topic, self.product, self.sentiment, self.channel,
                    self.first, self.last))  # fmt: skip


@dataclass(frozen=True)
class SearchResults:
    form: SearchForm
    page: SearchPage

    @property
    def pages(self) -> int:
        return max(1, -(-self.page.total // self.page.limit))

    @property
    def first_shown(self) -> int:
        return self.page.offset + 1 if self.page.hits else 0

    @property
    def last_shown(self) -> int:
        return self.page.offset + len(self.page.hits)


def scope_of(principal: Principal) -> SearchScope:
    """The contact view's rule: overseers see all; units see their cases; the mailroom scans."""
    return SearchScope(
        everything=principal.sees_all_units,
        units=principal.units,
        scans=principal.role is Role.MAILROOM,
    )


def _day(value: str, what: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadSearch(f"the {what} date '{value}' is not a date like 2026-11-23") from None


def _local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(timezone))


def filters_of(app: App, form: SearchForm) -> SearchFilters:
    if form.sentiment and form.sentiment not in SENTIMENTS:
        raise BadSearch(f"sentiment is one of {', '.join(SENTIMENTS)}, not '{form.sentiment}'")
    if form.channel and form.channel not in CHANNELS:
        raise BadSearch(f"channel is one of {', '.join(CHANNELS)}, not '{form.channel}'")
    if form.topic and app.organisation.find_topic(form.topic) is None:
        raise BadSearch(f"there is no topic '{form.topic}'")
    first, last = _day(form.first, "from"), _day(form.last, "to")
    if first and last and last < first:
        raise BadSearch(f"the dates end ({last}) before they start ({first})")
    zone = app.organisation.timezone
    return SearchFilters(
        topic=form.topic or None,
        product=form.product.strip() or None,
        sentiment=form.sentiment or None,
        channel=form.channel or None,
        received_from=_local_midnight(first, zone) if first else None,
        received_before=_local_midnight(last + timedelta(days=1), zone) if last else None,
    )


def search_contacts(app: App, principal: Principal, form: SearchForm) -> SearchResults:
    """One page of the contacts the principal may see that match the form, best first."""
    terms = parse_terms(form.words)
    filters = filters_of(app, form)
    if not terms and not filters:
        raise BadSearch("type a word to search for, or choose at least one filter")
    page = min(max(form.page, 1), MAX_PAGE)
    with app.sessions() as session:
        found = index.search(
            session,
            terms,
            filters,
            scope_of(principal),
            offset=(page - 1) * PER_PAGE,
            limit=PER_PAGE,
        )
    return SearchResults(form, found)


def known_products(app: App) -> tuple[str, ...]:
    """Products seen on contacts or cases, for the filter's suggestions (not secret: names of
    the organisation's own products)."""
    with app.sessions() as session:
        on_contacts = select(Contact.product).where(Contact.product.is_not(None)).distinct()
        on_cases = select(Case.product).where(Case.product.is_not(None)).distinct()
        names = session.scalars(on_contacts.union(on_cases).limit(200)).all()
    return tuple(sorted({str(name) for name in names}, key=str.lower))
