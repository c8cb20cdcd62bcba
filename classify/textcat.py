"""Topic/sentiment text classification with spaCy: training a model and predicting with it."""

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import spacy
from spacy.language import Language
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam, Optimizer

import classify.bow_model  # noqa: F401  (registers the architecture of models saved before)
from classify.examples import Example, fingerprint_examples, split_train_dev
from classify.hashed_model import ARCHITECTURE, fit_to_corpus
from classify.model_card import (
    ModelCard,
    ModelCardError,
    TrainingReport,
    read_model_card,
    write_model_card,
)
from classify.normalise import normalise_text
from classify.thresholds import UNTRUSTED, choose_thresholds, is_trusted

_COMPONENT = "textcat"
_CHAR_NGRAMS = (3, 5)
# The optimiser touches every weight on every update, so its cost grows with hash rows x labels;
# capping that product keeps an epoch fast for 150 labels and a model under 150 MB.
_MAX_WEIGHTS = 2**25
_MIN_HASH_ROWS, _MAX_HASH_ROWS = 2**15, 2**20
# Distinct features grow with the corpus; a small corpus needs no million-row table.
_ROWS_PER_EXAMPLE = 64
_MIN_BATCH, _MAX_BATCH = 8, 256
_LEARN_RATE = 0.005


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float
    scores: Mapping[str, float]
    # The model's threshold for this label, and whether the score reaches it.
    threshold: float = UNTRUSTED
    trusted: bool = False


class ModelLoadError(ValueError):
    """A folder that does not hold a usable model; the message names the folder and the problem."""


def train_text_classifier(
    examples: Sequence[Example],
    out_dir: Path,
    *,
    seed: int = 0,
    max_epochs: int = 30,
    patience: int = 3,
    dev_share: float = 0.15,
    lang: str = "xx",
    target_precision: float = 0.9,
    on_epoch: Callable[[int, float | None], None] | None = None,
    dev_examples: Sequence[Example] | None = None,
) -> TrainingReport:
    """Train an exclusive-classes classifier on `examples` and save it to `out_dir`.

    A stratified share of the examples is held out to pick the epoch with the best accuracy and
    to choose each label's confidence threshold for `target_precision`; training stops after
    `patience` epochs without improvement and the best epoch's weights are the ones saved. The
    same examples in the same order and the same seed give the same model. Given
    `dev_examples` (an official validation split, say), they are the dev set and every one of
    `examples` is trained on.
    """
    started = time.perf_counter()
    labels = _labels_of(examples)
    if max_epochs < 1 or patience < 1:
        raise ValueError(
            f"max_epochs and patience must be at least 1, got {max_epochs}, {patience}"
        )
    if not 0.0 < target_precision <= 1.0:
        raise ValueError(f"target_precision must be in (0, 1], got {target_precision}")
    if dev_examples is None:
        train, dev = split_train_dev(examples, dev_share, seed)
    else:
        train, dev = list(examples), list(dev_examples)
        strangers = sorted({e.label for e in dev} - set(labels))
        if strangers:
            raise ValueError(f"dev labels {strangers} never occur in the training examples")
    fix_random_seed(seed)
    nlp = _blank_pipeline(lang, labels, _hash_rows(len(labels), len(train)))
    train_data = [_spacy_example(nlp, example, labels) for example in train]
    optimizer = nlp.initialize(lambda: train_data, sgd=Adam(_LEARN_RATE))
    textcat = nlp.get_pipe(_COMPONENT)
    fit_to_corpus(textcat.model, [example.reference for example in train_data])
    dev_docs = [nlp.make_doc(normalise_text(example.text)) for example in dev]
    dev_labels = [example.label for example in dev]
    shuffler = random.Random(seed)
    batch_size = min(max(len(train_data) // 60, _MIN_BATCH), _MAX_BATCH)
    best_accuracy: float | None = None
    best_epoch = 0
    best_weights = b""
    for epoch in range(1, max_epochs + 1):
        shuffler.shuffle(train_data)
        for batch in minibatch(train_data, size=batch_size):
            nlp.update(batch, sgd=optimizer)
        if not dev_docs:
            best_epoch = epoch
            best_weights = _averaged_weights(nlp, optimizer)
            if on_epoch:
                on_epoch(epoch, None)
            continue
        # The running average of the weights generalises better than the last update's.
        with nlp.use_params(optimizer.averages):
            accuracy = _accuracy(nlp, dev_docs, dev_labels)
            if best_accuracy is None or accuracy > best_accuracy:
                best_accuracy, best_epoch = accuracy, epoch
                best_weights = textcat.model.to_bytes()
        if on_epoch:
            on_epoch(epoch, accuracy)
        if epoch - best_epoch >= patience:
            break
    if best_weights:
        textcat.model.from_bytes(best_weights)
    thresholds = _dev_thresholds(nlp, dev_docs, dev_labels, labels, target_precision)
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
        language=lang,
        thresholds=thresholds,
        target_precision=target_precision,
    )
    write_model_card(card, out_dir)
    return report


def _averaged_weights(nlp: Language, optimizer: Optimizer) -> bytes:
    with nlp.use_params(optimizer.averages):
        return nlp.get_pipe(_COMPONENT).model.to_bytes()


def _labels_of(examples: Sequence[Example]) -> tuple[str, ...]:
    labels = tuple(sorted({example.label for example in examples}))
    if len(labels) < 2:
        raise ValueError(
            f"training needs examples of at least two labels, got {len(examples)} examples "
            f"with labels {list(labels)}"
        )
    return labels


def _blank_pipeline(lang: str, labels: tuple[str, ...], rows: int) -> Language:
    nlp = spacy.blank(lang)
    model = {
        "@architectures": ARCHITECTURE,
        "length": rows,
        "char_min": _CHAR_NGRAMS[0],
        "char_max": _CHAR_NGRAMS[1],
    }
    textcat = nlp.add_pipe(_COMPONENT, config={"model": model})
    for label in labels:
        textcat.add_label(label)
    return nlp


def _hash_rows(label_count: int, example_count: int) -> int:
    rows = _MAX_HASH_ROWS
    while rows > _MIN_HASH_ROWS and rows > example_count * _ROWS_PER_EXAMPLE:
        rows //= 2
    while rows > _MIN_HASH_ROWS and rows * label_count > _MAX_WEIGHTS:
        rows //= 2
    return rows


def _spacy_example(nlp: Language, example: Example, labels: tuple[str, ...]) -> SpacyExample:
    doc = nlp.make_doc(normalise_text(example.text))
    cats = {label: float(label == example.label) for label in labels}
    return SpacyExample.from_dict(doc, {"cats": cats})


def _best(docs: list, nlp: Language) -> list[tuple[str, float]]:
    textcat = nlp.get_pipe(_COMPONENT)
    best = []
    for doc in textcat.pipe(docs):
        label = max(doc.cats, key=doc.cats.__getitem__)
        best.append((label, float(doc.cats[label])))
    return best


def _accuracy(nlp: Language, docs: list, labels: list[str]) -> float:
    predicted = [label for label, _ in _best(docs, nlp)]
    return sum(p == gold for p, gold in zip(predicted, labels, strict=True)) / len(labels)


def _dev_thresholds(
    nlp: Language, docs: list, gold: list[str], labels: tuple[str, ...], target: float
) -> dict[str, float]:
    if not docs:
        # Without held-out data nothing is known about precision: trust nothing automatically.
        return dict.fromkeys(labels, UNTRUSTED)
    best = _best(docs, nlp)
    return choose_thresholds(
        labels, [label for label, _ in best], [score for _, score in best], gold, target
    )


class TextClassifier:
    """A trained classifier loaded from disk; `predict` turns texts into labels with scores."""

    def __init__(self, nlp: Language, card: ModelCard, path: Path) -> None:
        self._nlp = nlp
        self._card = card
        self.path = path

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
        return cls(nlp, card, path)

    @property
    def labels(self) -> tuple[str, ...]:
        return self._card.labels

    @property
    def language(self) -> str:
        return self._card.language

    @property
    def thresholds(self) -> Mapping[str, float]:
        return MappingProxyType(self._card.thresholds)

    @property
    def fingerprint(self) -> str:
        return self._card.fingerprint

    @property
    def report(self) -> TrainingReport:
        return self._card.report

    def predict(self, texts: Sequence[str], batch_size: int = 256) -> list[Prediction]:
        normalised = (normalise_text(text) for text in texts)
        docs = self._nlp.pipe(normalised, batch_size=batch_size)
        return [self._prediction(doc.cats) for doc in docs]

    def _prediction(self, cats: Mapping[str, float]) -> Prediction:
        scores = {label: float(score) for label, score in sorted(cats.items())}
        label = max(scores, key=scores.__getitem__)
        threshold = self._card.thresholds.get(label, UNTRUSTED)
        return Prediction(
            label=label,
            score=scores[label],
            scores=MappingProxyType(scores),
            threshold=threshold,
            trusted=is_trusted(label, scores[label], self._card.thresholds),
        )
