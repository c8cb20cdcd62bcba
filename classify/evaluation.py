"""Evaluation of a classifier against gold labels: accuracy, macro-F1, per-label P/R/F1,
the confusion matrix and a calibration table. Plain values, computed from the confusion matrix."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from classify.textcat import TextClassifier

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class LabelScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


@dataclass(frozen=True)
class Evaluation:
    labels: tuple[str, ...]
    # matrix[i][j]: examples of gold label i predicted as label j.
    matrix: tuple[tuple[int, ...], ...]
    accuracy: float
    macro_f1: float
    per_label: tuple[LabelScores, ...]
    calibration: tuple[CalibrationBin, ...]


def evaluate_predictions(
    gold: Sequence[str],
    predicted: Sequence[str],
    confidences: Sequence[float],
    labels: Sequence[str] = (),
) -> Evaluation:
    """Score `predicted` against `gold`; `labels` fixes the matrix order (default: all, sorted)."""
    if not gold:
        raise ValueError("nothing to evaluate: no examples")
    if not len(gold) == len(predicted) == len(confidences):
        raise ValueError(
            f"{len(gold)} gold labels, {len(predicted)} predictions, {len(confidences)} scores"
        )
    order = tuple(labels) or tuple(sorted(set(gold) | set(predicted)))
    index = {label: i for i, label in enumerate(order)}
    unknown = sorted((set(gold) | set(predicted)) - set(index))
    if unknown:
        raise ValueError(f"labels {unknown} are not among the labels given: {list(order)}")
    matrix = [[0] * len(order) for _ in order]
    for truth, guess in zip(gold, predicted, strict=True):
        matrix[index[truth]][index[guess]] += 1
    per_label = tuple(_label_scores(matrix, i, label) for i, label in enumerate(order))
    correct = sum(matrix[i][i] for i in range(len(order)))
    # Macro-F1 over the labels that occur in the gold data: a label never seen cannot be scored.
    present = [scores.f1 for scores in per_label if scores.support]
    return Evaluation(
        labels=order,
        matrix=tuple(tuple(row) for row in matrix),
        accuracy=correct / len(gold),
        macro_f1=sum(present) / len(present),
        per_label=per_label,
        calibration=calibration_table(
            [truth == guess for truth, guess in zip(gold, predicted, strict=True)], confidences
        ),
    )


def _label_scores(matrix: list[list[int]], i: int, label: str) -> LabelScores:
    true_positive = matrix[i][i]
    predicted = sum(row[i] for row in matrix)
    support = sum(matrix[i])
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LabelScores(label, precision, recall, f1, support)


def calibration_table(
    correct: Sequence[bool], confidences: Sequence[float], bins: int = CALIBRATION_BINS
) -> tuple[CalibrationBin, ...]:
    """Accuracy per confidence band: a well-calibrated model is right 80% of the time at 0.8."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (confidence, right)
            for confidence, right in zip(confidences, correct, strict=True)
            if low <= confidence < high or (b == bins - 1 and confidence == high)
        ]
        if not members:
            continue
        table.append(
            CalibrationBin(
                low=low,
                high=high,
                count=len(members),
                mean_confidence=sum(c for c, _ in members) / len(members),
                accuracy=sum(r for _, r in members) / len(members),
            )
        )
    return tuple(table)


def evaluate_classifier(
    model: "TextClassifier", texts: Sequence[str], gold: Sequence[str]
) -> Evaluation:
    """Predict `texts` with `model` and score the predictions against `gold`.

    A gold label the model does not know is kept (every example of it counts as an error)."""
    unknown = tuple(sorted(set(gold) - set(model.labels)))
    predictions = model.predict(texts)
    return evaluate_predictions(
        gold,
        [p.label for p in predictions],
        [p.score for p in predictions],
        model.labels + unknown,
    )
