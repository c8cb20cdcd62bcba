"""Per-label confidence thresholds chosen on dev data for a target precision.

A label's threshold is the lowest score at which the predictions of that label on the dev set,
taken from the most confident down, are still right at least `target` of the time. Under it the
prediction is a guess, and the caller should ask a person instead.
"""

from collections.abc import Mapping, Sequence

# A label the dev set never predicted, or never predicted precisely enough, cannot be trusted on
# any score below certainty.
UNTRUSTED = 1.0


def choose_thresholds(
    labels: Sequence[str],
    predicted: Sequence[str],
    scores: Sequence[float],
    gold: Sequence[str],
    target: float,
) -> dict[str, float]:
    thresholds: dict[str, float] = {}
    for label in labels:
        ranked = sorted(
            (score, guess == truth)
            for guess, score, truth in zip(predicted, scores, gold, strict=True)
            if guess == label
        )[::-1]
        thresholds[label] = _threshold(ranked, target)
    return thresholds


def _threshold(ranked: list[tuple[float, bool]], target: float) -> float:
    threshold = UNTRUSTED
    correct = 0
    for taken, (score, right) in enumerate(ranked, start=1):
        correct += right
        if correct / taken >= target:
            threshold = score
    return round(threshold, 4)


def is_trusted(label: str, score: float, thresholds: Mapping[str, float]) -> bool:
    return score >= thresholds.get(label, UNTRUSTED)
