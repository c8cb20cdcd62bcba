"""Full-text search over contacts (subject, sender, text) and answers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:00:00

The database keeps the index current by itself, so no pipeline step has to remember it.

SQLite: FTS5 external-content tables (`contact_search`, `answer_search`) read their text from
`contacts` and `answers`; triggers add, replace and remove the indexed words. The tokenizer
folds diacritics ("zazalenie" finds "zażalenie") except the Polish "ł", which has no Unicode
decomposition: the triggers index the text with "ł" written as "l" (the query does the same).
Token positions are unchanged by that fold, so highlight() and snippet() still mark the
original words. FTS5's 'rebuild' would index the unfolded text: refill with the INSERT below.

PostgreSQL (`intake_search` configuration: the 'simple' parser and lower-casing, with `unaccent`,
so it folds "ł" as well): contacts get a stored generated tsvector column `search_vector` with a
GIN index (ranking reads the stored vector instead of parsing each matching text again; no model
declares it, the database fills it); answers, far fewer, a GIN index on the tsvector expression,
which workflow/search.py repeats verbatim so the planner uses it.

A later migration that rebuilds `contacts` or `answers` in SQLite batch mode drops these
triggers with the old table; it must create them again (tests/test_search.py checks they exist).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TOKENIZE = "unicode61 remove_diacritics 2"


def _fold(expression: str) -> str:
    return f"replace(replace({expression}, 'ł', 'l'), 'Ł', 'L')"


def _sqlite_index(name: str, table: str, columns: tuple[str, ...]) -> list[str]:
    listed = ", ".join(columns)
    new = ", ".join(_fold(f"new.{c}") for c in columns)
    old = ", ".join(_fold(f"old.{c}") for c in columns)
    folded = ", ".join(_fold(c) for c in columns)
    remove = f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {name}(rowid, {listed}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='{table}',"
        f" content_rowid='id', tokenize='{_TOKENIZE}')",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {listed} ON {table}"
        f" BEGIN {remove} {add} END",
        f"INSERT INTO {name}(rowid, {listed}) SELECT id, {folded} FROM {table}",
    ]


_PG_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION intake_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION intake_search ALTER MAPPING FOR"
    " asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple",
]
_PG_CONTACT_VECTOR = (
    "setweight(to_tsvector('intake_search'::regconfig, coalesce(subject, '')), 'A')"
    " || setweight(to_tsvector('intake_search'::regconfig, coalesce(sender_name, '')), 'B')"
    " || setweight(to_tsvector('intake_search'::regconfig, coalesce(text, '')), 'C')"
)
_PG_ANSWER_VECTOR = "to_tsvector('intake_search'::regconfig, body)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_SETUP:
            op.execute(statement)
        op.execute(
            "ALTER TABLE contacts ADD COLUMN search_vector tsvector"
            f" GENERATED ALWAYS AS ({_PG_CONTACT_VECTOR}) STORED"
        )
        op.execute("CREATE INDEX search_contacts ON contacts USING gin (search_vector)")
        op.execute(f"CREATE INDEX search_answers ON answers USING gin (({_PG_ANSWER_VECTOR}))")
        return
    statements = _sqlite_index("contact_search", "contacts", ("subject", "sender_name", "text"))
    statements += _sqlite_index("answer_search", "answers", ("body",))
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS search_answers")
        op.execute("ALTER TABLE contacts DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS intake_search")
        return
    for name in ("contact_search", "answer_search"):
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {name}")
