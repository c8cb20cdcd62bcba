"""Topic/sentiment text classification with spaCy: training a model and predicting with it."""

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import spacy
from spacy.language import Language
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, minibatch

from classify.bow_model import ARCHITECTURE
from classify.examples import Example, fingerprint_examples, split_train_dev
from classify.model_card import (
    ModelCard,
    ModelCardError,
    TrainingReport,
    read_model_card,
    write_model_card,
)
from classify.normalise import normalise_text

_COMPONENT = "textcat"
_NGRAM_SIZE = 2
# The optimiser touches every weight on every update, so its cost grows with hash rows x labels;
# capping that product keeps an epoch fast for 150 labels as well as for 3.
_MAX_WEIGHTS = 2**21
_MIN_HASH_ROWS, _MAX_HASH_ROWS = 2**14, 2**18
_MIN_BATCH, _MAX_BATCH = 16, 128


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float
    scores: Mapping[str, float]


class ModelLoadError(ValueError):
    """A folder that does not hold a usable model; the message names the folder and the problem."""


def train_text_classifier(
    examples: Sequence[Example],
    out_dir: Path,
    *,
    seed: int = 0,
    max_epochs: int = 30,
    patience: int = 4,
    dev_share: float = 0.15,
    lang: str = "xx",
) -> TrainingReport:
    """Train an exclusive-classes classifier on `examples` and save it to `out_dir`.

    A stratified share of the examples is held out to pick the epoch with the best accuracy;
    training stops after `patience` epochs without improvement and the best epoch's weights are
    the ones saved. The same examples in the same order and the same seed give the same model.
    """
    started = time.perf_counter()
    labels = _labels_of(examples)
    if max_epochs < 1 or patience < 1:
        raise ValueError(
            f"max_epochs and patience must be at least 1, got {max_epochs}, {patience}"
        )
    train, dev = split_train_dev(examples, dev_share, seed)
    fix_random_seed(seed)
    nlp = _blank_pipeline(lang, labels)
    train_data = [_spacy_example(nlp, example, labels) for example in train]
    optimizer = nlp.initialize(lambda: train_data)
    dev_docs = [nlp.make_doc(normalise_text(example.text)) for example in dev]
    dev_labels = [example.label for example in dev]
    textcat = nlp.get_pipe(_COMPONENT)
    shuffler = random.Random(seed)
    batch_size = min(max(len(train_data) // 100, _MIN_BATCH), _MAX_BATCH)
    best_accuracy: float | None = None
    best_epoch = 0
    best_weights = b""
    for epoch in range(1, max_epochs + 1):
        shuffler.shuffle(train_data)
        for batch in minibatch(train_data, size=batch_size):
            nlp.update(batch, sgd=optimizer)
        if not dev_docs:
            best_epoch = epoch
            continue
        accuracy = _accuracy(nlp, dev_docs, dev_labels)
        if best_accuracy is None or accuracy > best_accuracy:
            best_accuracy, best_epoch, best_weights = accuracy, epoch, textcat.model.to_bytes()
        elif epoch - best_epoch >= patience:
            break
    if best_weights:
        textcat.model.from_bytes(best_weights)
    report = TrainingReport(
        labels=labels,
        train_size=len(train),
        dev_size=len(dev),
        dev_accuracy=best_accuracy,
        best_epoch=best_epoch,
        seconds=round(time.perf_counter() - started, 3),
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    card = ModelCard(
        labels=labels,
        fingerprint=fingerprint_examples(examples),
        seed=seed,
        spacy_version=spacy.__version__,
        report=report,
    )
    write_model_card(card, out_dir)
    return report


def _labels_of(examples: Sequence[Example]) -> tuple[str, ...]:
    labels = tuple(sorted({example.label for example in examples}))
    if len(labels) < 2:
        raise ValueError(
            f"training needs examples of at least two labels, got {len(examples)} examples "
            f"with labels {list(labels)}"
        )
    return labels


def _blank_pipeline(lang: str, labels: tuple[str, ...]) -> Language:
    nlp = spacy.blank(lang)
    model = {
        "@architectures": ARCHITECTURE,
        "exclusive_classes": True,
        "ngram_size": _NGRAM_SIZE,
        "length": _hash_rows(len(labels)),
    }
    textcat = nlp.add_pipe(_COMPONENT, config={"model": model})
    for label in labels:
        textcat.add_label(label)
    return nlp


def _hash_rows(label_count: int) -> int:
    rows = _MAX_HASH_ROWS
    while rows > _MIN_HASH_ROWS and rows * label_count > _MAX_WEIGHTS:
        rows //= 2
    return rows


def _spacy_example(nlp: Language, example: Example, labels: tuple[str, ...]) -> SpacyExample:
    doc = nlp.make_doc(normalise_text(example.text))
    cats = {label: float(label == example.label) for label in labels}
    return SpacyExample.from_dict(doc, {"cats": cats})


def _accuracy(nlp: Language, docs: list, labels: list[str]) -> float:
    textcat = nlp.get_pipe(_COMPONENT)
    predicted = [max(doc.cats, key=doc.cats.__getitem__) for doc in textcat.pipe(docs)]
    return sum(p == gold for p, gold in zip(predicted, labels, strict=True)) / len(labels)


class TextClassifier:
    """A trained classifier loaded from disk; `predict` turns texts into labels with scores."""

    def __init__(self, nlp: Language, card: ModelCard) -> None:
        self._nlp = nlp
        self._card = card

    @classmethod
    def load(cls, path: Path | str) -> "TextClassifier":
        path = Path(path)
        if not path.is_dir():
            raise ModelLoadError(f"{path}: not a folder, so not a model")
        try:
            card = read_model_card(path)
        except ModelCardError as error:
            raise ModelLoadError(str(error)) from None
        try:
            nlp = spacy.load(path)
        except (OSError, ValueError) as error:
            raise ModelLoadError(f"{path}: the spaCy pipeline cannot be loaded ({error})") from None
        if _COMPONENT not in nlp.pipe_names:
            raise ModelLoadError(f"{path}: the pipeline has no {_COMPONENT!r} component")
        pipeline_labels = tuple(sorted(nlp.get_pipe(_COMPONENT).labels))
        if pipeline_labels != card.labels:
            raise ModelLoadError(
                f"{path}: the pipeline's labels {list(pipeline_labels)} do not match the card's "
                f"{list(card.labels)}"
            )
        return cls(nlp, card)

    @property
    def labels(self) -> tuple[str, ...]:
        return self._card.labels

    @property
    def fingerprint(self) -> str:
        return self._card.fingerprint

    @property
    def report(self) -> TrainingReport:
        return self._card.report

    def predict(self, texts: Sequence[str], batch_size: int = 256) -> list[Prediction]:
        normalised = (normalise_text(text) for text in texts)
        return [_prediction(doc.cats) for doc in self._nlp.pipe(normalised, batch_size=batch_size)]


def _prediction(cats: Mapping[str, float]) -> Prediction:
    scores = {label: float(score) for label, score in sorted(cats.items())}
    label = max(scores, key=scores.__getitem__)
    return Prediction(label=label, score=scores[label], scores=MappingProxyType(scores))
