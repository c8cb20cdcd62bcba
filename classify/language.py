"""Offline language detection from letter trigrams and function words.

Each known language has a trigram profile built from `language_profiles` at import time. A text is
scored by naive Bayes over its trigrams plus a bonus for every function word; the profiles for
German, French and Spanish exist only so that a text in them is reported as "other" instead of
being forced into English or Polish.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from classify.language_profiles import FUNCTION_WORDS, SAMPLE_TEXT

OTHER = "other"
KNOWN_LANGUAGES: tuple[str, ...] = tuple(SAMPLE_TEXT)

# Log-odds added per function word: worth a few trigrams, so that short texts made mostly of
# function words are decided by them while long texts are decided by their letters.
_FUNCTION_WORD_BONUS = 3.0
_SMOOTHING = 0.5
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class LanguageGuess:
    code: str
    score: float


def detect_language(text: str, candidates: Sequence[str] = ("en", "pl")) -> LanguageGuess:
    """Guess the language of `text` among `candidates`, or "other" when it is none of them.

    The score is the probability of the guess among all known languages, so it is low for text with
    too few letters to tell. A text with no letters at all is "other" with score 0.
    """
    unknown = [code for code in candidates if code not in KNOWN_LANGUAGES]
    if unknown:
        raise ValueError(f"no language profile for {unknown}; known: {list(KNOWN_LANGUAGES)}")
    words = _words(text)
    if not words:
        return LanguageGuess(OTHER, 0.0)
    totals = [0.0] * len(KNOWN_LANGUAGES)
    for word in words:
        for index, score in enumerate(_word_scores(word)):
            totals[index] += score
    log_scores = dict(zip(KNOWN_LANGUAGES, totals, strict=True))
    best = max(log_scores, key=log_scores.__getitem__)
    top = log_scores[best]
    total = sum(math.exp(score - top) for score in log_scores.values())
    probability = round(1.0 / total, 4)
    return LanguageGuess(best if best in candidates else OTHER, probability)


def _words(text: str) -> list[str]:
    # Tokens with digits are identifiers, amounts or OCR confusions (ORD-5531907, C0UPON): their
    # letters say nothing about the language.
    tokens = unicodedata.normalize("NFC", text).lower().split()
    return [word for token in tokens if not _DIGIT.search(token) for word in _WORD.findall(token)]


def _fold(text: str) -> str:
    """Strip diacritics ("ł" too, which has no decomposition), as OCR and plain-ASCII mail do."""
    decomposed = unicodedata.normalize("NFD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _trigrams(word: str) -> Iterable[str]:
    padded = f" {word} "
    return (padded[i : i + 3] for i in range(len(padded) - 2))


class _Profile:
    def __init__(self, text: str, function_words: str) -> None:
        words = _words(text) + _words(function_words)
        # Folded copies let a Polish letter that lost its accents still look Polish.
        words += [_fold(word) for word in words]
        self.counts = Counter(trigram for word in words for trigram in _trigrams(word))
        self.total = sum(self.counts.values())
        self.function_words = frozenset(_words(function_words)) | {
            _fold(word) for word in _words(function_words)
        }


@dataclass(frozen=True)
class _Scorer:
    """A profile's smoothed log-probability of each trigram (and of one it never saw)."""

    log_probabilities: dict[str, float]
    unseen: float
    function_words: frozenset[str]

    def word_score(self, word: str) -> float:
        """Naive Bayes over the word's trigrams, plus the bonus if it is a function word."""
        known, unseen = self.log_probabilities, self.unseen
        score = sum(known.get(trigram, unseen) for trigram in _trigrams(word))
        return score + _FUNCTION_WORD_BONUS if word in self.function_words else score


def _scorer(profile: _Profile, vocabulary: int) -> _Scorer:
    denominator = math.log(profile.total + _SMOOTHING * vocabulary)
    return _Scorer(
        {
            trigram: math.log(count + _SMOOTHING) - denominator
            for trigram, count in profile.counts.items()
        },
        math.log(_SMOOTHING) - denominator,
        profile.function_words,
    )


_PROFILES = {code: _Profile(SAMPLE_TEXT[code], FUNCTION_WORDS[code]) for code in SAMPLE_TEXT}
_VOCABULARY_SIZE = len(set().union(*(profile.counts for profile in _PROFILES.values()))) + 1
_SCORERS = tuple(_scorer(_PROFILES[code], _VOCABULARY_SIZE) for code in KNOWN_LANGUAGES)


@lru_cache(maxsize=65_536)
def _word_scores(word: str) -> tuple[float, ...]:
    # Customers' words repeat from text to text: each is scored once per process, not per text.
    return tuple(scorer.word_score(word) for scorer in _SCORERS)
