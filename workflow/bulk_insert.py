"""Many rows of one table in one statement, each database its cheapest way: the rows go as one
parameter, so the statement text is the same for every batch of a table and is parsed and
prepared once (SQLite: the statement runs once a row, inside the driver). A multi-row
`INSERT ... VALUES` (SQLAlchemy's "insertmanyvalues") is new text for every row count, with a
placeholder per value to bind, render and parse: on PostgreSQL, parsing those placeholders cost
psycopg more CPU than the rest of routing.

- SQLite: one `INSERT ... VALUES (?, ...)` run for every row by the driver's executemany (the
  statement is compiled once, values are bound in C); the new ids are worked out after it
  (see `_ids_after_sqlite`).
- PostgreSQL: `INSERT ... SELECT ... FROM json_to_recordset(:rows)`, the rows as one JSON
  document (typed by the column list of the recordset). The document is made by `json.dumps`,
  in C; one array a column (`unnest`) went through psycopg's array dumper in Python, about
  2 us a value: 64 audit events cost 0.9 ms of client CPU as arrays, 0.16 ms as one JSON
  document, with the same server CPU. Ids, when wanted, are taken from the
  table's sequence first and inserted with the rows, so a caller can use them (a case's
  reference is made of its id) before the insert.

The statements run on the session's connection, without an autoflush of the ORM's pending
changes (as an ORM query would do first): a batch writer inserts its rows between changes it
makes in memory, and a flush for each insert would write those one statement at a time. So a
row must reference only rows that are written already.

Values are given as the ORM would bind them (aware datetimes, JSON-able lists and dicts); all
of a table's rows name the same columns. The ORM's Python-side column defaults are not applied
here: a row names every column that has no default in the database.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Table, TextClause, insert, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

Values = dict[str, Any]


def ids_come_first(session: Session) -> bool:
    """True when new ids are taken before the insert (PostgreSQL's sequences), False when they
    come back from it (SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


def insert_with_ids(session: Session, table: Table, rows: Sequence[Values]) -> list[int]:
    """Insert `rows` and return their new ids in the order of `rows`."""
    if not rows:
        return []
    if ids_come_first(session):
        ids = next_ids(session, table, len(rows))
        with_ids = [{**row, "id": new} for row, new in zip(rows, ids, strict=True)]
        insert_without_ids(session, table, with_ids)
        return ids
    _executemany_sqlite(session, table, rows)
    return _ids_after_sqlite(session, table, len(rows))


def insert_without_ids(session: Session, table: Table, rows: Sequence[Values]) -> None:
    """Insert `rows` (whose ids, if any, are given) without reading anything back."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = tuple(rows[0])
    if dialect.name == "postgresql":
        session.connection().execute(
            _recordset_insert(table, columns, dialect), {"rows": _json_rows(table, rows, dialect)}
        )
    elif dialect.name == "sqlite":
        _executemany_sqlite(session, table, rows)
    else:
        session.connection().execute(insert(table), list(rows))


def insert_one(session: Session, table: Table, row: Values) -> int:
    """Insert one row and return its new id, with one statement (`INSERT ... RETURNING`): for
    a single row whose id is needed at once, cheaper than taking it from the sequence first."""
    inserted = session.connection().execute(insert(table).returning(table.c.id), row)
    return int(inserted.scalar_one())


def next_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` new ids from the sequence of the table's id column (PostgreSQL), in order."""
    found = session.connection().execute(_NEXT_IDS, {"table": table.name, "count": count})
    return list(found.scalars())


# The sequence is looked up once (OFFSET 0 keeps the subquery from being merged into the outer
# query): `pg_get_serial_sequence` per id searched the catalog for every row, and cost the
# server more than taking the ids.
_NEXT_IDS = text(
    "SELECT nextval(s.id_sequence) FROM (SELECT CAST(pg_get_serial_sequence(:table, 'id')"
    " AS regclass) AS id_sequence OFFSET 0) AS s CROSS JOIN generate_series(1, :count)"
)


def _executemany_sqlite(session: Session, table: Table, rows: Sequence[Values]) -> None:
    dialect = session.get_bind().dialect
    columns = tuple(rows[0])
    converters = _converters(table, columns, dialect)
    try:
        values = [_in_order(_converted(row, converters), columns) for row in rows]
    except (TypeError, ValueError) as error:
        raise _unwritable(table, error) from error
    session.connection().exec_driver_sql(_qmark_insert(table, columns, dialect), values)


def _in_order(row: Values, columns: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row[name] for name in columns)


def _ids_after_sqlite(session: Session, table: Table, count: int) -> list[int]:
    """The ids of the `count` rows just inserted into `table`, in insert order. SQLite gives a
    new row of a table with an integer primary key the largest id so far plus one, and no
    other connection can insert between our rows (the transaction holds the write lock from
    its first insert to its commit): the ids are the `count` up to the last one inserted. That
    holds unless the largest possible id is taken (SQLite then picks ids at random), which is
    checked: the last id inserted must be the table's largest. Otherwise the batch stops, and
    the pipeline routes its contacts one at a time."""
    quote = session.get_bind().dialect.identifier_preparer.quote
    # On the connection, not the session: an autoflush of pending ORM rows before this read
    # would make one of them the last row inserted.
    statement = f"SELECT max({quote('id')}), last_insert_rowid() FROM {quote(table.name)}"
    largest, last = session.connection().exec_driver_sql(statement).one()
    if largest != last:
        raise RuntimeError(
            f"{table.name}: the last id inserted ({last}) is not the largest ({largest}); "
            f"cannot tell which of the {count} rows got which id"
        )
    return list(range(last - count + 1, last + 1))


@functools.lru_cache(maxsize=64)
def _qmark_insert(table: Table, columns: tuple[str, ...], dialect: Dialect) -> str:
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"


def _json_rows(table: Table, rows: Sequence[Values], dialect: Dialect) -> str:
    """The rows as one JSON array of objects, each value as the column type binds it: UTC
    datetimes as ISO 8601 text, a JSON column's value nested as it is (`_recordset_insert`).
    `ensure_ascii` as the ORM's JSON serializer, so a nested value's text is the ORM's, and
    what that serializer refuses (a datetime inside a JSON value) is refused here too, not
    written as text that would read back as a string."""
    converters = _json_converters(table, tuple(rows[0]), dialect)
    try:
        if converters:
            rows = [_converted(row, converters) for row in rows]
        return json.dumps(rows)
    except (TypeError, ValueError) as error:
        raise _unwritable(table, error) from error


def _unwritable(table: Table, error: TypeError | ValueError) -> TypeError | ValueError:
    """`error` (a naive datetime, a value JSON cannot hold) of the same kind, naming the table."""
    return type(error)(f"{table.name}: a value cannot go into a bulk insert: {error}")


# A column whose values are converted: its name, what converts a value, and whether that turns
# None into None (then None is passed as it is: most rows leave most datetimes empty, and a
# type's bind processing costs a call or two even for None).
Converter = tuple[str, Callable[[Any], Any], bool]


def _converter(name: str, convert: Callable[[Any], Any]) -> Converter:
    return (name, convert, convert(None) is None)


def _converted(row: Values, converters: tuple[Converter, ...]) -> Values:
    """A copy of `row` with the values of the `converters`' columns converted."""
    converted = dict(row)
    for name, convert, none_stays in converters:
        value = converted[name]
        if value is not None or not none_stays:
            converted[name] = convert(value)
    return converted


@functools.lru_cache(maxsize=64)
def _json_converters(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[Converter, ...]:
    """The columns whose type binds a value its own way (UTC datetimes), or whose values JSON
    has no form for (dates and times: ISO 8601, which the recordset's typed columns read back
    exactly, microseconds and offset included), with what makes a value JSON-ready; the
    other columns' values go into the document as they are."""
    found: list[Converter] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            continue
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None or _is_temporal(column_type):
            found.append(_converter(name, _then_json_ready(process)))
    return tuple(found)


def _is_temporal(column_type: TypeEngine[Any]) -> bool:
    try:
        return column_type.python_type in (datetime, date, time)
    except NotImplementedError:  # a type that does not say, e.g. NullType
        return False


def _then_json_ready(process: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        bound = value if process is None else process(value)
        return bound.isoformat() if isinstance(bound, datetime | date | time) else bound

    return convert


@functools.lru_cache(maxsize=64)
def _recordset_insert(table: Table, columns: tuple[str, ...], dialect: Dialect) -> TextClause:
    """INSERT INTO table (columns) SELECT ... FROM json_to_recordset(:rows) AS r(column type,
    ...). A JSON column's value comes nested, its text kept as written; the recordset makes
    a JSON null SQL NULL, which is turned back into JSON null unless the column stores None
    as SQL NULL (as the ORM writes it)."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    record = ", ".join(f"{quote(name)} {_column_type(table, name, dialect)}" for name in columns)
    picked = ", ".join(_picked(table, name, dialect) for name in columns)
    return text(
        f"INSERT INTO {quote(table.name)} ({names}) SELECT {picked}"
        f" FROM json_to_recordset(CAST(:rows AS JSON)) AS r({record})"
    )


def _picked(table: Table, name: str, dialect: Dialect) -> str:
    column = f"r.{dialect.identifier_preparer.quote(name)}"
    column_type = table.c[name].type
    if isinstance(column_type, JSON) and not column_type.none_as_null:
        return f"COALESCE({column}, CAST('null' AS {_column_type(table, name, dialect)}))"
    return column


def _column_type(table: Table, name: str, dialect: Dialect) -> str:
    return str(table.c[name].type.compile(dialect=dialect))


@functools.lru_cache(maxsize=64)
def _converters(table: Table, columns: tuple[str, ...], dialect: Dialect) -> tuple[Converter, ...]:
    """The columns whose values need turning into SQLite parameters, with what does it: the
    column type's own bind processing (UTC datetimes; on SQLite as text), JSON as text (None
    as JSON null unless the column says otherwise, as the ORM writes it). The other columns'
    values are passed as they are."""
    found: list[Converter] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            found.append(_converter(name, _json_text(column_type.none_as_null)))
            continue
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            found.append(_converter(name, process))
    return tuple(found)


def _json_text(none_as_null: bool) -> Callable[[Any], Any]:
    def convert(value: Any) -> str | None:
        if value is None and none_as_null:
            return None
        return json.dumps(value)

    return convert
