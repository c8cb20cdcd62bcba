"""The `intake-model.json` file saved next to a spaCy pipeline: what the model is and how it did."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from classify.cascade import CascadeChoice

CARD_NAME = "intake-model.json"
# Format 2 added the language and the per-label thresholds; format 3 is the TF-IDF n-gram model
# refitted on all the examples (`trained_on`); format 4 adds the n-gram head of the confidence
# cascade (`cascade`, in the `ngrams/` subfolder) and whether the model reads sentence vectors.
CARD_FORMAT = 4


@dataclass(frozen=True)
class TrainingReport:
    labels: tuple[str, ...]
    train_size: int
    dev_size: int
    # None when the data was too small to hold out a dev set and training ran every epoch.
    dev_accuracy: float | None
    best_epoch: int
    seconds: float
    # How many examples the saved weights learnt from: train_size + dev_size when the model was
    # refitted on all the examples after the dev set chose the number of epochs.
    trained_on: int
    # The n-gram-only model and the model with sentence vectors on the dev set, when both were
    # trained: the vectors are kept when they lower the dev cross-entropy (log loss).
    ngram_dev_accuracy: float | None = None
    vector_dev_accuracy: float | None = None
    ngram_dev_log_loss: float | None = None
    vector_dev_log_loss: float | None = None


@dataclass(frozen=True)
class ModelCard:
    labels: tuple[str, ...]
    fingerprint: str
    seed: int
    spacy_version: str
    report: TrainingReport
    # The spaCy language code of the tokenizer ("en", "pl", or "xx" for multilingual).
    language: str
    # Per-label score under which a prediction is a guess (see `thresholds`).
    thresholds: dict[str, float]
    target_precision: float
    # Whether the saved model reads sentence vectors: not when asked not to, nor when they did
    # not lift the dev accuracy above the n-grams' alone.
    sentence_vectors: bool = False
    # The n-gram head answering alone above its threshold (None: the model answers every text).
    cascade: CascadeChoice | None = None


class ModelCardError(ValueError):
    """A model card that is missing or unreadable; the message names the file."""


def write_model_card(card: ModelCard, model_dir: Path) -> Path:
    path = model_dir / CARD_NAME
    content = {"format": CARD_FORMAT, **asdict(card)}
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_model_card(model_dir: Path) -> ModelCard:
    path = model_dir / CARD_NAME
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelCardError(f"{path}: missing, so {model_dir} is not an Intake model") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelCardError(f"{path}: not valid JSON ({error})") from None
    found = content.get("format") if isinstance(content, dict) else None
    if isinstance(found, int) and found < CARD_FORMAT:
        raise ModelCardError(
            f"{path}: card format {found} is from an older Intake (this one reads format "
            f"{CARD_FORMAT}); retrain the model (`intake classify train` or `intake classify "
            "retrain`)"
        )
    if found != CARD_FORMAT:
        raise ModelCardError(f"{path}: unsupported card format {found!r}, expected {CARD_FORMAT}")
    try:
        report = content["report"]
        return ModelCard(
            labels=tuple(content["labels"]),
            fingerprint=str(content["fingerprint"]),
            seed=int(content["seed"]),
            spacy_version=str(content["spacy_version"]),
            report=TrainingReport(**{**report, "labels": tuple(report["labels"])}),
            language=str(content["language"]),
            thresholds={str(k): float(v) for k, v in content["thresholds"].items()},
            target_precision=float(content["target_precision"]),
            sentence_vectors=bool(content["sentence_vectors"]),
            cascade=CascadeChoice(**content["cascade"]) if content["cascade"] else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ModelCardError(f"{path}: malformed card ({error!r})") from None
