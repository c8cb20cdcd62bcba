"""The error-rate helpers used by OCR tests and benchmarks measure what they claim."""

from __future__ import annotations

import itertools
import random

import pytest

from tests.textmetrics import character_error_rate, edit_distance, word_error_rate


def _reference_distance(a: str, b: str) -> int:
    """Textbook dynamic programme, to check the vectorised one against."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("reklamacja", "reklamacja", 0),
    ],
)
def test_edit_distance_of_known_pairs(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance


def test_edit_distance_agrees_with_the_textbook_algorithm_on_random_strings() -> None:
    rng = random.Random(7)
    for length_a, length_b in itertools.product(range(0, 12, 3), range(0, 12, 4)):
        a = "".join(rng.choice("abcł ") for _ in range(length_a))
        b = "".join(rng.choice("abcł ") for _ in range(length_b))
        assert edit_distance(a, b) == _reference_distance(a, b), (a, b)


def test_character_error_rate_ignores_line_breaks_and_spacing() -> None:
    assert character_error_rate("the quick\nbrown  fox", "the quick brown fox\n") == 0.0


def test_character_error_rate_counts_each_wrong_character() -> None:
    assert character_error_rate("abcdefghij", "abcdefghiX") == pytest.approx(0.1)


def test_word_error_rate_counts_whole_words() -> None:
    assert word_error_rate("the quick brown fox", "the quack brown") == pytest.approx(0.5)
