"""Full-text search over contacts and the answers of their cases.

The indexes live in the database and follow every change by themselves (migration 0007): SQLite
FTS5 tables kept by triggers, PostgreSQL GIN indexes on a tsvector expression. This module only
reads them: one ranked, filtered page of contacts, limited to what the asker may see, with the
matched words marked in the subject and in a snippet of the text or the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    TextClause,
    bindparam,
    distinct,
    false,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from workflow.models import Case, Contact, Task
from workflow.search_terms import SearchTerms, fts5_match, pg_tsquery

# Private-use characters mark the matched words; neither engine treats them as word characters
# and customer text does not contain them.
MARK_START = "\ue000"
MARK_END = "\ue001"
_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.DOTALL)
_SPACE = re.compile(r"\s+")
SNIPPET_WORDS = 24

# The stored vector of a contact and the answer's expression of migration 0007's GIN indexes.
PG_CONTACT_VECTOR = "contacts.search_vector"
PG_ANSWER_VECTOR = "to_tsvector('intake_search'::regconfig, answers.body)"


@dataclass(frozen=True)
class SearchScope:
    """Whose contacts the asker may see: everything, or cases of some units, and/or scans."""

    everything: bool
    units: tuple[str, ...] = ()
    scans: bool = False


@dataclass(frozen=True)
class SearchFilters:
    topic: str | None = None
    product: str | None = None
    sentiment: str | None = None
    channel: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None

    def __bool__(self) -> bool:
        return any(value is not None for value in vars(self).values())


@dataclass(frozen=True)
class Segment:
    """A piece of shown text; `hit` when it is a matched word."""

    text: str
    hit: bool = False


@dataclass(frozen=True)
class SearchHit:
    contact_id: int
    received_at: datetime
    channel: str
    subject: tuple[Segment, ...]
    snippet: tuple[Segment, ...]
    # Where the words were found: the contact itself or an answer of its case.
    found_in: str
    sender_name: str
    topic: str | None
    sentiment: str | None
    product: str | None
    case_reference: str | None
    unit: str | None


@dataclass(frozen=True)
class SearchPage:
    hits: tuple[SearchHit, ...]
    total: int
    offset: int
    limit: int


def search(
    session: Session,
    terms: SearchTerms,
    filters: SearchFilters,
    scope: SearchScope,
    *,
    offset: int = 0,
    limit: int = 20,
) -> SearchPage:
    """Contacts matching every term (best first) or, without terms, the filtered newest."""
    if not terms and not filters:
        raise ValueError("a search needs words or at least one filter")
    dialect = session.get_bind().dialect.name
    wanted = [*_filters(filters), _visible(scope)]
    ordered, counted = _ranked(dialect, terms, wanted) if terms else _newest(wanted)
    total = session.scalar(counted) or 0
    rows = session.execute(ordered.offset(offset).limit(limit)).all()
    found = [(row[0], str(row[1]), int(row[2])) for row in rows]
    marked = _marked(session, dialect, terms, found)
    return SearchPage(tuple(_hit(session, row, marked) for row in found), total, offset, limit)


def _ranked(
    dialect: str, terms: SearchTerms, wanted: list[ColumnElement[bool]]
) -> tuple[Select[Any], Select[Any]]:
    """Matching contacts, best first, each once (by its best match: itself or an answer of its
    case); and their count."""
    hits = _hits(dialect, terms).subquery("hits")
    best_first = (hits.c.score.desc(), hits.c.source)
    ranked = select(
        hits.c.contact_id,
        hits.c.source,
        hits.c.source_id,
        hits.c.score,
        func.row_number().over(partition_by=hits.c.contact_id, order_by=best_first).label("n"),
    ).subquery("ranked")
    ordered = (
        select(Contact.id, ranked.c.source, ranked.c.source_id)
        .join(ranked, ranked.c.contact_id == Contact.id)
        .where(ranked.c.n == 1, *wanted)
        .order_by(ranked.c.score.desc(), Contact.id.desc())
    )
    # The count needs no ranking, which is the costly part on PostgreSQL.
    matches = _hits(dialect, terms, scored=False).subquery("matches")
    counted = (
        select(func.count(distinct(Contact.id)))
        .join(matches, matches.c.contact_id == Contact.id)
        .where(*wanted)
    )
    return ordered, counted


def _newest(wanted: list[ColumnElement[bool]]) -> tuple[Select[Any], Select[Any]]:
    """Filtered contacts without words, newest first; and their count."""
    base = select(Contact.id, literal("contact").label("source"), Contact.id.label("source_id"))
    base = base.where(*wanted)
    counted = select(func.count()).select_from(base.subquery())
    return base.order_by(Contact.received_at.desc(), Contact.id.desc()), counted


def _hits(dialect: str, terms: SearchTerms, *, scored: bool = True) -> TextClause:
    """(contact_id, source, source_id, score) for every matching contact and answer; without
    `scored` the score is 0."""
    if dialect == "postgresql":
        query, values = pg_tsquery(terms)
        contact_score = f"ts_rank_cd({PG_CONTACT_VECTOR}, {query})" if scored else "0"
        answer_score = f"ts_rank_cd({PG_ANSWER_VECTOR}, {query}) * 0.5" if scored else "0"
        sql = (
            "SELECT contacts.id AS contact_id, 'contact' AS source, contacts.id AS source_id,"
            f" {contact_score} AS score"
            f" FROM contacts WHERE {PG_CONTACT_VECTOR} @@ {query}"
            " UNION ALL"
            f" SELECT contacts.id, 'answer', answers.id, {answer_score}"
            " FROM answers JOIN contacts ON contacts.case_id = answers.case_id"
            f" WHERE {PG_ANSWER_VECTOR} @@ {query}"
        )
    else:
        # bm25() is lower for better matches; weights favour the subject, then the sender.
        sql = (
            "SELECT contact_search.rowid AS contact_id, 'contact' AS source,"
            " contact_search.rowid AS source_id,"
            " -bm25(contact_search, 4.0, 2.0, 1.0) AS score"
            " FROM contact_search WHERE contact_search MATCH :query"
            " UNION ALL"
            " SELECT contacts.id, 'answer', answers.id, -bm25(answer_search) * 0.5"
            " FROM answer_search JOIN answers ON answers.id = answer_search.rowid"
            " JOIN contacts ON contacts.case_id = answers.case_id"
            " WHERE answer_search MATCH :query"
        )
        values = {"query": fts5_match(terms)}
    return (
        text(sql)
        .bindparams(**values)
        .columns(contact_id=Integer, source=String, source_id=Integer, score=Float)
    )


def _filters(filters: SearchFilters) -> list[ColumnElement[bool]]:
    wanted: list[ColumnElement[bool]] = []
    if filters.topic:
        wanted.append(Contact.topic == filters.topic)
    if filters.sentiment:
        wanted.append(Contact.sentiment == filters.sentiment)
    if filters.channel:
        wanted.append(Contact.channel == filters.channel)
    if filters.product:
        # The product may be on the contact (read from it) or only on its case (routing).
        case_product = select(Case.product).where(Case.id == Contact.case_id).scalar_subquery()
        product = func.lower(func.coalesce(Contact.product, case_product))
        wanted.append(product == filters.product.lower())
    if filters.received_from:
        wanted.append(Contact.received_at >= filters.received_from)
    if filters.received_before:
        wanted.append(Contact.received_at < filters.received_before)
    return wanted


def _visible(scope: SearchScope) -> ColumnElement[bool]:
    """The same rule as the contact view: a case of one's units (or with a task in one of
    them), and every scan for the mailroom."""
    if scope.everything:
        return true()
    allowed: list[ColumnElement[bool]] = []
    if scope.units:
        allowed.append(
            Contact.case_id.in_(select(Case.id).where(Case.unit.in_(scope.units)))
            | Contact.case_id.in_(select(Task.case_id).where(Task.unit.in_(scope.units)))
        )
    if scope.scans:
        allowed.append(Contact.channel == "scan")
    return or_(*allowed) if allowed else false()


@dataclass(frozen=True)
class _Marked:
    subject: str | None
    snippet: str | None


def _marked(
    session: Session, dialect: str, terms: SearchTerms, found: Sequence[tuple[int, str, int]]
) -> dict[tuple[str, int], _Marked]:
    """Subjects and snippets with the matched words marked, for one page of results only."""
    if not terms or not found:
        return {}
    contact_ids = [source_id for _, source, source_id in found if source == "contact"]
    answer_ids = [source_id for _, source, source_id in found if source == "answer"]
    marked: dict[tuple[str, int], _Marked] = {}
    if dialect == "postgresql":
        query, values = pg_tsquery(terms)
    else:
        query, values = "", {"query": fts5_match(terms)}
    for source, ids, statement in (
        ("contact", contact_ids, _contact_marks(dialect, query)),
        ("answer", answer_ids, _answer_marks(dialect, query)),
    ):
        if not ids:
            continue
        for row in session.execute(statement, {**values, "ids": ids}):
            marked[(source, row[0])] = _Marked(row[1], row[2])
    return marked


def _contact_marks(dialect: str, query: str) -> TextClause:
    if dialect == "postgresql":
        sql = (
            "SELECT contacts.id,"
            f" ts_headline('intake_search', contacts.subject, {query}, :whole),"
            f" ts_headline('intake_search', contacts.text, {query}, :fragment)"
            " FROM contacts WHERE contacts.id IN :ids"
        )
        return _with_headline_options(text(sql))
    sql = (
        "SELECT rowid, highlight(contact_search, 0, :start, :end),"
        f" snippet(contact_search, 2, :start, :end, '…', {SNIPPET_WORDS})"
        " FROM contact_search WHERE contact_search MATCH :query AND rowid IN :ids"
    )
    return _with_marks(text(sql))


def _answer_marks(dialect: str, query: str) -> TextClause:
    if dialect == "postgresql":
        sql = (
            "SELECT answers.id, NULL,"
            f" ts_headline('intake_search', answers.body, {query}, :fragment)"
            " FROM answers WHERE answers.id IN :ids"
        )
        return _with_headline_options(text(sql))
    sql = (
        "SELECT rowid, NULL,"
        f" snippet(answer_search, 0, :start, :end, '…', {SNIPPET_WORDS})"
        " FROM answer_search WHERE answer_search MATCH :query AND rowid IN :ids"
    )
    return _with_marks(text(sql))


def _with_marks(statement: TextClause) -> TextClause:
    return statement.bindparams(bindparam("ids", expanding=True), start=MARK_START, end=MARK_END)


def _with_headline_options(statement: TextClause) -> TextClause:
    marks = f'StartSel="{MARK_START}", StopSel="{MARK_END}"'
    options = {
        "whole": f"{marks}, HighlightAll=true",
        "fragment": f"{marks}, MaxWords={SNIPPET_WORDS}, MinWords=8, MaxFragments=2,"
        ' FragmentDelimiter=" … "',
    }
    used = {name: value for name, value in options.items() if f":{name}" in statement.text}
    return statement.bindparams(bindparam("ids", expanding=True), **used)


def _hit(
    session: Session, row: tuple[int, str, int], marked: dict[tuple[str, int], _Marked]
) -> SearchHit:
    contact_id, source, source_id = row
    contact = session.get_one(Contact, contact_id)
    case = session.get(Case, contact.case_id) if contact.case_id else None
    marks = marked.get((source, source_id))
    # The subject is marked only when the contact itself matched, not one of its answers.
    subject = marks.subject if marks and source == "contact" else None
    return SearchHit(
        contact_id=contact.id,
        received_at=contact.received_at,
        channel=contact.channel,
        subject=segments(subject or contact.subject or "(no subject)"),
        snippet=segments(marks.snippet if marks and marks.snippet else _opening(contact.text)),
        found_in=source,
        sender_name=contact.sender_name,
        topic=contact.topic,
        sentiment=contact.sentiment,
        product=contact.product or (case.product if case else None),
        case_reference=(case.reference or f"#{case.id}") if case else None,
        unit=case.unit if case else None,
    )


def _opening(body: str) -> str:
    words = body.split()
    shown = " ".join(words[:SNIPPET_WORDS])
    return shown + (" …" if len(words) > SNIPPET_WORDS else "")


def segments(marked: str) -> tuple[Segment, ...]:
    """Marked text as plain and matched pieces, whitespace collapsed for a one-line snippet."""
    pieces: list[Segment] = []
    position = 0
    for match in _MARKED.finditer(marked):
        if match.start() > position:
            pieces.append(Segment(_SPACE.sub(" ", marked[position : match.start()])))
        pieces.append(Segment(_SPACE.sub(" ", match.group(1)), hit=True))
        position = match.end()
    if position < len(marked):
        pieces.append(Segment(_SPACE.sub(" ", marked[position:])))
    return tuple(piece for piece in pieces if piece.text)


def index_triggers(session: Session) -> set[str]:
    """The SQLite triggers that keep the search index current (empty on PostgreSQL)."""
    if session.get_bind().dialect.name != "sqlite":
        return set()
    rows = session.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_search_%'")
    )
    return {row[0] for row in rows}


SQLITE_TRIGGERS = frozenset(
    f"{table}_search_{event}"
    for table in ("contact", "answer")
    for event in ("insert", "delete", "update")
)


# Objects of migration 0007 that no model declares: the FTS5 tables (with their shadow tables
# `<name>_data`, `_idx`, `_docsize`, `_config`), the PostgreSQL indexes and the generated
# column `contacts.search_vector`.
_INDEX_PREFIXES = ("contact_search", "answer_search")
_INDEX_NAMES = frozenset({"search_contacts", "search_answers", "search_vector"})


def is_search_index_object(name: str | None) -> bool:
    """True for the database objects of the search index, which schema comparisons skip."""
    return name is not None and (name in _INDEX_NAMES or name.startswith(_INDEX_PREFIXES))
