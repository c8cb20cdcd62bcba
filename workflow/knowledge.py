"""Knowledge-base articles that may answer a contact by themselves (self-service).

Scoring is deliberately simple and explainable: a keyword of the article found in the contact's
text counts most, the contact's topic being one of the article's topics counts next, and words
shared between the text and the article's title add a little. Articles in the contact's
language come before any other, whatever their score. Retired articles are never offered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from workflow.org_models import Article

KEYWORD_WEIGHT = 3.0
TOPIC_WEIGHT = 2.0
TITLE_TERM_WEIGHT = 0.5
# Polish (and to a lesser degree English) inflect word endings: "faktura", "fakturę", "faktury".
# Comparing word beginnings is a crude stemmer that needs no dictionary.
STEM_LENGTH = 5
MIN_TERM_LENGTH = 4
MIN_KEYWORDS_OFF_TOPIC = 2

_WORD = re.compile(r"\w+", re.UNICODE)
_MARKUP = re.compile(r"[*_`#>]+")
_STOP_WORDS = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "your",
        "what",
        "when",
        "will",
        "would",
        "there",
        "their",
        "about",
        "which",
        "them",
        "then",
        "than",
        "into",
        "only",
        "also",
        "just",
        "been",
        "were",
        "please",
        "thank",
        "thanks",
        "dear",
        "hello",
        "regards",
        "także",
        "jest",
        "jestem",
        "które",
        "który",
        "która",
        "może",
        "mnie",
        "moje",
        "mój",
        "moja",
        "oraz",
        "przez",
        "proszę",
        "dzień",
        "dobry",
        "pozdrawiam",
        "bardzo",
    ]
)


@dataclass(frozen=True)
class ArticleMatch:
    """An article with its score and the words that earned it, for people to check the choice."""

    article: Article
    score: float
    same_language: bool
    matched: tuple[str, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _stem(word: str) -> str:
    return word[:STEM_LENGTH]


def _stems(text: str) -> set[str]:
    return {
        _stem(word)
        for word in _WORD.findall(_fold(text))
        if len(word) >= MIN_TERM_LENGTH and word not in _STOP_WORDS and not word.isdigit()
    }


def _keyword_in(keyword: str, text_stems: set[str]) -> bool:
    """A keyword (possibly several words) is present when each of its words is."""
    words = [w for w in _WORD.findall(_fold(keyword)) if len(w) >= 2]
    if not words:
        return False
    return all((_stem(w) if len(w) >= MIN_TERM_LENGTH else w) in text_stems for w in words)


def _short_words(text: str) -> set[str]:
    # Short keywords such as "VAT" or "FV" are compared whole, not by stem.
    return {word for word in _WORD.findall(_fold(text)) if len(word) < MIN_TERM_LENGTH}


def score_article(article: Article, *, topic: str | None, text: str) -> ArticleMatch:
    text_stems = _stems(text) | _short_words(text)
    matched: list[str] = []
    score = 0.0
    for keyword in article.keywords:
        if _keyword_in(keyword, text_stems):
            score += KEYWORD_WEIGHT
            matched.append(keyword)
    if topic is not None and topic in article.topics:
        score += TOPIC_WEIGHT
        matched.append(f"topic:{topic}")
    shared = sorted(_stems(article.title) & text_stems)
    score += TITLE_TERM_WEIGHT * len(shared)
    matched.extend(f"title:{stem}" for stem in shared)
    return ArticleMatch(article, score, same_language=False, matched=tuple(matched))


def _relevant(match: ArticleMatch, topic: str | None) -> bool:
    """On the contact's topic, or sharing at least two keywords with it: one common keyword
    (an order number prefix, "shop") alone would send customers articles beside the point."""
    keywords = [m for m in match.matched if ":" not in m]
    on_topic = topic is not None and topic in match.article.topics
    return on_topic or len(keywords) >= MIN_KEYWORDS_OFF_TOPIC


def match_articles(
    articles: Iterable[Article],
    *,
    topic: str | None,
    language: str | None,
    text: str,
    limit: int = 3,
) -> tuple[ArticleMatch, ...]:
    """The best `limit` relevant articles for a contact, same language first, best score next.

    An article in another language is offered only when no chosen article in the contact's
    language covers its topics: it is most likely a translation of one already there.
    """
    if limit <= 0:
        return ()
    candidates = []
    for article in articles:
        if article.retired:
            continue
        scored = score_article(article, topic=topic, text=text)
        same = language is not None and article.language == language
        match = ArticleMatch(article, scored.score, same_language=same, matched=scored.matched)
        if _relevant(match, topic):
            candidates.append(match)
    candidates.sort(key=lambda m: (not m.same_language, -m.score, m.article.id))
    chosen: list[ArticleMatch] = []
    covered: set[str] = set()
    for match in candidates:
        if not match.same_language and covered & set(match.article.topics):
            continue
        chosen.append(match)
        if match.same_language:
            covered.update(match.article.topics)
    return tuple(chosen[:limit])


def excerpt(article: Article, max_chars: int = 220) -> str:
    """The first paragraph of the body that is not its heading, as plain text, cut at a word."""
    for paragraph in re.split(r"\n\s*\n", article.body):
        lines = [line.strip() for line in paragraph.strip().splitlines()]
        if not lines or lines[0].startswith("#"):
            continue
        plain = " ".join(_MARKUP.sub("", line).lstrip("-0123456789. ").strip() for line in lines)
        plain = re.sub(r"\s+", " ", plain).strip()
        if not plain:
            continue
        if len(plain) <= max_chars:
            return plain
        cut = plain[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:")
        return f"{cut}…"
    return ""
