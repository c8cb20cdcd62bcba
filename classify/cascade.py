"""The confidence cascade: the n-gram head answers alone when it is sure, the full model otherwise.

The sentence vector is the costly part of a prediction (a few milliseconds of a core per text,
against a fraction of one for the n-grams). Most contacts are plain enough for the n-grams alone:
a head trained on them only, in the same training run, reads every text first, and only the texts
whose top score is under the cascade threshold are embedded and read by the full model. The
threshold is the lowest one at which the cascade still agrees with the full model on a chosen
share of the dev set, so the cascade keeps the full model's answers there, not a cheaper guess.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Agreement with the full model on the dev set that the cascade must keep: one dev answer in
# 200 may differ (and differences go both ways: some of them the n-gram head gets right).
MIN_AGREEMENT = 0.995

Cats = Mapping[str, float]


@dataclass(frozen=True)
class CascadeChoice:
    # The n-gram head's top score from which its answer stands without the sentence vector.
    threshold: float
    # On the dev set: the share of answers equal to the full model's, and the share of texts
    # that needed the sentence vector.
    dev_agreement: float
    dev_vector_share: float


def top_label(cats: Cats) -> tuple[str, float]:
    label = max(cats, key=cats.__getitem__)
    return label, float(cats[label])


def log_loss(cats: Sequence[Cats], gold: Sequence[str]) -> float:
    """The mean cross-entropy of the scores against the gold labels (lower is better)."""
    if not cats:
        raise ValueError("no predictions to score")
    pairs = zip(cats, gold, strict=True)
    return sum(-math.log(max(scores.get(label, 0.0), 1e-9)) for scores, label in pairs) / len(gold)


def vectors_pay(ngram_cats: Sequence[Cats], full_cats: Sequence[Cats], gold: Sequence[str]) -> bool:
    """Whether the model with sentence vectors beats the n-grams alone on the dev texts.

    Judged by the cross-entropy, the loss both were trained on: it weighs how sure each answer
    is, so on a dev set of a few hundred texts it is steadier than the accuracy, where one text
    more or less right tips the balance (the CFPB products: n-grams 2 points ahead on 183 dev
    texts, 3 points behind on the test split; the cross-entropy favoured the vectors).
    """
    return log_loss(full_cats, gold) < log_loss(ngram_cats, gold)


def needs_full_model(ngram_cats: Cats, threshold: float) -> bool:
    return top_label(ngram_cats)[1] < threshold


def choose_cascade(
    ngram_cats: Sequence[Cats], full_cats: Sequence[Cats], min_agreement: float = MIN_AGREEMENT
) -> CascadeChoice | None:
    """The lowest threshold at which the cascade agrees with the full model on at least
    `min_agreement` of the dev texts; None when no threshold spares a single text the vector."""
    if len(ngram_cats) != len(full_cats):
        raise ValueError(f"{len(ngram_cats)} n-gram predictions for {len(full_cats)} texts")
    if not ngram_cats:
        return None
    ranked = sorted(
        (
            (top_label(ngram)[1], top_label(ngram)[0] == top_label(full)[0])
            for ngram, full in zip(ngram_cats, full_cats, strict=True)
        ),
        key=lambda pair: pair[0],
        reverse=True,
    )
    allowed = int((1.0 - min_agreement) * len(ranked) + 1e-9)
    best: CascadeChoice | None = None
    disagreements = 0
    for taken, (score, agrees) in enumerate(ranked, start=1):
        disagreements += not agrees
        if disagreements > allowed:
            break
        # A threshold falls between distinct scores only: texts of equal score go together.
        if taken < len(ranked) and ranked[taken][0] == score:
            continue
        best = CascadeChoice(
            threshold=score,
            dev_agreement=1.0 - disagreements / len(ranked),
            dev_vector_share=(len(ranked) - taken) / len(ranked),
        )
    return best


def cascade_cats(
    ngram_cats: Sequence[Cats], full_cats: Mapping[int, Cats], threshold: float
) -> list[Cats]:
    """Each text's scores: the full model's where it was asked (by index), else the head's."""
    combined = []
    for index, ngram in enumerate(ngram_cats):
        if needs_full_model(ngram, threshold):
            combined.append(full_cats[index])
        else:
            combined.append(ngram)
    return combined
