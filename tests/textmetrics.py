"""Text comparison for OCR tests and benchmarks: edit distance, character and word error rates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def normalise_whitespace(text: str) -> str:
    """Collapse runs of whitespace: line breaks and spacing are layout, not recognition."""
    return " ".join(text.split())


def edit_distance(reference: Sequence, hypothesis: Sequence) -> int:
    """Levenshtein distance (insertions, deletions, substitutions all cost 1).

    One numpy row per reference item: a row without insertions is computed elementwise, then
    insertions are a running minimum of (cost - column) along the row.
    """
    if not reference:
        return len(hypothesis)
    if not hypothesis:
        return len(reference)
    codes = _encode(reference, hypothesis)
    ref_codes, hyp_codes = codes[: len(reference)], codes[len(reference) :]
    columns = np.arange(len(hypothesis) + 1)
    previous = columns.copy()
    for row, item in enumerate(ref_codes, start=1):
        substitution = previous[:-1] + (hyp_codes != item)
        current = np.empty_like(previous)
        current[0] = row
        current[1:] = np.minimum(previous[1:] + 1, substitution)
        current = np.minimum.accumulate(current - columns) + columns
        previous = current
    return int(previous[-1])


def character_error_rate(reference: str, hypothesis: str, *, normalise: bool = True) -> float:
    """Edits needed to turn the hypothesis into the reference, per reference character."""
    if normalise:
        reference, hypothesis = normalise_whitespace(reference), normalise_whitespace(hypothesis)
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return edit_distance(reference, hypothesis) / len(reference)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Edits on whole words, per reference word."""
    reference_words, hypothesis_words = reference.split(), hypothesis.split()
    if not reference_words:
        return 0.0 if not hypothesis_words else 1.0
    return edit_distance(reference_words, hypothesis_words) / len(reference_words)


def _encode(reference: Sequence, hypothesis: Sequence) -> np.ndarray:
    """Map items (characters or words) to integers so rows compare in numpy."""
    vocabulary: dict[object, int] = {}
    return np.array(
        [vocabulary.setdefault(item, len(vocabulary)) for item in [*reference, *hypothesis]],
        dtype=np.int64,
    )
