"""Edit distances: how many characters OCR must have got wrong between two spellings."""

from __future__ import annotations


def levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Insertions, deletions and substitutions from `a` to `b`, capped at `limit` + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def hamming(a: str, b: str) -> int:
    """Substituted characters between two equally long strings (a misread digit is one)."""
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b, strict=True))
