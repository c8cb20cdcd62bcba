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

Values are given as the ORM would bind them (aware datetimes, JSON-able lists and dicts); all
of a table's rows name the same columns. The ORM's Python-side column defaults are not applied
here: a row names every column that has no default in the database.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Table, TextClause, insert, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

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
        session.execute(
            _recordset_insert(table, columns, dialect), {"rows": _json_rows(table, rows, dialect)}
        )
    elif dialect.name == "sqlite":
        _executemany_sqlite(session, table, rows)
    else:
        session.execute(insert(table), list(rows))


def next_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` new ids from the sequence of the table's id column (PostgreSQL)."""
    statement = text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
    )
    return list(session.execute(statement, {"table": table.name, "count": count}).scalars())


def _executemany_sqlite(session: Session, table: Table, rows: Sequence[Values]) -> None:
    dialect = session.get_bind().dialect
    converters = _converters(table, tuple(rows[0]), dialect)
    values = [tuple(convert(row[name]) for name, convert in converters) for row in rows]
    session.connection().exec_driver_sql(_qmark_insert(table, tuple(rows[0]), dialect), values)


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
    `ensure_ascii` as the ORM's JSON serializer, so a nested value's text is the ORM's."""
    converted = _json_converters(table, tuple(rows[0]), dialect)
    if converted:
        rows = [
            {**row, **{name: convert(row[name]) for name, convert in converted}} for row in rows
        ]
    return json.dumps(rows, default=_json_scalar)


def _json_scalar(value: Any) -> str:
    """What `json.dumps` cannot write itself: datetimes and dates as ISO 8601, which the
    recordset's typed columns read back exactly (microseconds and offset included)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} value {value!r} cannot go into a bulk insert")


@functools.lru_cache(maxsize=64)
def _json_converters(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """The columns whose type binds a value its own way (UTC datetimes), with what does it and
    then makes the result JSON-ready; the other columns' values go into the document as
    they are."""
    found: list[tuple[str, Callable[[Any], Any]]] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            continue
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            found.append((name, _then_json_ready(process)))
    return tuple(found)


def _then_json_ready(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        bound = process(value)
        return bound.isoformat() if isinstance(bound, datetime | date) else bound

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
def _converters(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """Per column, what turns a Python value into an SQLite parameter: the column type's own bind
    processing (UTC datetimes; on SQLite as text), JSON as text (None as JSON null unless the
    column says otherwise, as the ORM writes it)."""
    found: list[tuple[str, Callable[[Any], Any]]] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            found.append((name, _json_text(column_type.none_as_null)))
            continue
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        found.append((name, process if process is not None else _as_is))
    return tuple(found)


def _json_text(none_as_null: bool) -> Callable[[Any], Any]:
    def convert(value: Any) -> str | None:
        if value is None and none_as_null:
            return None
        return json.dumps(value)

    return convert


def _as_is(value: Any) -> Any:
    return value
