"""What a person typed into the search box, as terms both full-text engines understand.

Words are all required; "quoted words" must appear together; a trailing * matches a prefix
(`reklam*`). Only letters and digits reach the engines, so no input can be a syntax error in
an FTS5 MATCH or a PostgreSQL tsquery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters and digits; everything else (punctuation, underscores) separates words, as in both
# tokenizers.
_WORD = re.compile(r"[^\W_]+")
_PIECE = re.compile(r'"([^"]*)"?|(\S+)')
# The one Polish letter SQLite's unicode61 tokenizer does not fold; the index folds it too
# (migration 0007).
_FOLD = str.maketrans({"ł": "l", "Ł": "L"})


@dataclass(frozen=True)
class Term:
    """One required word, prefix or phrase (several words in a row)."""

    words: tuple[str, ...]
    prefix: bool = False
    # As typed (without quotes and *), for PostgreSQL to split with its own parser.
    text: str = ""


@dataclass(frozen=True)
class SearchTerms:
    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for term in self.terms for word in term.words)


def parse_terms(text: str) -> SearchTerms:
    terms: list[Term] = []
    for match in _PIECE.finditer(text):
        quoted, bare = match.group(1), match.group(2)
        piece = quoted if quoted is not None else bare
        words = tuple(word.lower() for word in _WORD.findall(piece))
        if words:
            prefix = quoted is None and piece.endswith("*") and len(words) == 1
            terms.append(Term(words, prefix, piece.rstrip("*").strip()))
    return SearchTerms(tuple(terms))


def fts5_match(terms: SearchTerms) -> str:
    """The FTS5 MATCH expression: each term a quoted string, all of them required."""
    parts = []
    for term in terms.terms:
        phrase = " ".join(word.translate(_FOLD) for word in term.words)
        parts.append(f'"{phrase}"' + ("*" if term.prefix else ""))
    return " AND ".join(parts)


def pg_tsquery(terms: SearchTerms) -> tuple[str, dict[str, str]]:
    """A PostgreSQL tsquery expression (all terms with &&) and its parameters. Phrases go through
    phraseto_tsquery, so the words are split by the same parser as the indexed text ("ORD-5531907"
    becomes what the text's order number became); prefixes are letters and digits only."""
    parts: list[str] = []
    values: dict[str, str] = {}
    for i, term in enumerate(terms.terms):
        name = f"term_{i}"
        if term.prefix:
            parts.append(f"to_tsquery('intake_search'::regconfig, :{name})")
            values[name] = f"{term.words[0]}:*"
        else:
            parts.append(f"phraseto_tsquery('intake_search'::regconfig, :{name})")
            values[name] = term.text or " ".join(term.words)
    return "(" + " && ".join(parts) + ")", values
