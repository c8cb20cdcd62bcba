"""ORM objects planned and written without the unit of work: the route stage's cheap path.

A batch writer builds its cases and tasks in memory, inserts them with one statement per table
(`workflow.bulk_insert`) and then attaches them to the session as if they had been loaded, so
later steps and later changes work on them as on any other persistent object. Going through the
ORM's constructor and flush instead costs more CPU than the rows themselves: an attribute event
per value set (about 10 us for a case), and a flush per object whose id is needed.

- `planned`: a transient object with its values set the way the ORM's loader sets them (into
  the instance's dict, no attribute events). Such an object is still an ordinary one: a later
  `session.add` and flush insert it with those values.
- `insert_rows`: insert transient objects of one class, setting their ids and the defaults
  they lacked; `attach` then makes each persistent (no INSERT, no SELECT). `write_row` does
  both for one object whose id is needed at once (an incident the links name).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, inspect
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached

from workflow.bulk_insert import insert_one, insert_with_ids, insert_without_ids

Row = TypeVar("Row", bound=DeclarativeBase)


def planned(model: type[Row], **values: Any) -> Row:
    """A new transient `model` with `values`, built as the ORM's loader builds one (no attribute
    events); a name that is not a column of `model` is an error, as in its constructor."""
    _check_columns(model, tuple(values))
    row: Row = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    row.__dict__.update(values)
    return row


@functools.lru_cache(maxsize=64)
def _check_columns(model: type[DeclarativeBase], names: tuple[str, ...]) -> None:
    """Raise TypeError for a name that is not a column attribute of `model` (checked once per
    set of names)."""
    columns = set(inspect(model).column_attrs.keys())
    unknown = [name for name in names if name not in columns]
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(map(repr, unknown))}")


def insert_rows(session: Session, rows: Sequence[Row]) -> list[int]:
    """Insert transient ORM objects of one class with one statement (`workflow.bulk_insert`);
    sets each object's id and the column defaults it lacked."""
    if not rows:
        return []
    table = table_of(type(rows[0]))
    ids = insert_with_ids(session, table, [column_values(table, row) for row in rows])
    for row, row_id in zip(rows, ids, strict=True):
        row.id = row_id  # type: ignore[attr-defined]
    return ids


def insert_rows_with_ids(session: Session, rows: Sequence[Row]) -> None:
    """Insert transient ORM objects of one class whose ids are set already (taken from the
    sequence first, `bulk_insert.next_ids`)."""
    if rows:
        table = table_of(type(rows[0]))
        insert_without_ids(session, table, [column_values(table, row, True) for row in rows])


def write_row(session: Session, row: DeclarativeBase) -> None:
    """Insert one transient ORM object (one statement, its id read back) and make it persistent
    in the session: for a row whose id is needed at once, without a flush of the session."""
    table = table_of(type(row))
    row.id = insert_one(session, table, column_values(table, row))  # type: ignore[attr-defined]
    attach(session, row)


def column_values(table: Table, row: DeclarativeBase, with_id: bool = False) -> dict[str, Any]:
    """Every column (the id only `with_id`), as set on the object or else its default. A
    default is also put in the object's dict (as the ORM's loader does: no attribute events),
    so the object is complete once attached and never reloaded."""
    loaded = row.__dict__
    values: dict[str, Any] = {}
    for key, default in _columns(table, with_id):
        if key not in loaded:
            value = None
            if default is not None:
                value = default.arg(None) if default.is_callable else default.arg
            loaded[key] = value
        values[key] = loaded[key]
    return values


@functools.lru_cache(maxsize=32)
def _columns(table: Table, with_id: bool) -> tuple[tuple[str, Any], ...]:
    """The table's column keys with their Python-side defaults, looked up once per table."""
    return tuple(
        (column.key, column.default) for column in table.columns if with_id or column.key != "id"
    )


def attach(session: Session, row: DeclarativeBase) -> None:
    """Make a written object persistent in the session as if loaded: no INSERT, no SELECT.
    One difference from a row the flush inserted: a rollback does not make it transient again
    but leaves it in the session, expired, its row gone (reading it raises
    ObjectDeletedError). Intake's sessions end with their one transaction
    (`workflow.db.unit_of_work`), so nothing meets it."""
    make_transient_to_detached(row)
    session.add(row)


def table_of(model: type[DeclarativeBase]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table
