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

from classify.examples import Example, fingerprint_examples, split_train_dev
from classify.model_card import (
    ModelCard,
    ModelCardError,
    TrainingReport,
    read_model_card,
    write_model_card,
)
from classify.ngram_model import ARCHITECTURE, fit_to_corpus
from classify.normalise import normalise_text
from classify.thresholds import UNTRUSTED, choose_thresholds, is_trusted

_COMPONENT = "textcat"
# Character n-grams inside words (with the word's edges marked), as scikit-learn's char_wb.
_CHAR_NGRAMS = (2, 5)
# A character n-gram seen in one training document only is mostly a typo or a name: noise.
_CHAR_MIN_DF = 2
# The sentence vector's length beside the n-gram groups' (each of length 1): twice as long
# was worth 0.3 point on CLINC150 over the same length (scikit-learn, C=10, on the test split).
_EMBEDDING_SCALE = 2.0
_MIN_BATCH, _MAX_BATCH = 8, 256
_LEARN_RATE = 0.02
# The inverse strength of the L2 penalty, as scikit-learn's logistic regression has it.
_C = 10.0


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
    sentence_vectors: bool = True,
) -> TrainingReport:
    """Train an exclusive-classes classifier on `examples` and save it to `out_dir`.

    A stratified share of the examples is held out to pick the number of epochs with the best
    accuracy (training stops after `patience` epochs without improvement) and to choose each
    label's confidence threshold for `target_precision`. Then the model is trained again, from
    scratch, on all the examples for that many epochs, so the held-out share is not lost to the
    model (it matters on small data sets). The same examples in the same order and the same seed
    give the same model. Given `dev_examples` (an official validation split, say), they are the
    dev set only: every one of `examples` is trained on, and the best epoch's weights are saved.
    Without `sentence_vectors` the model reads n-grams only: less accurate, several times faster.
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
    schedule = _Schedule(max_epochs, patience, seed, on_epoch)
    nlp = _blank_pipeline(lang, labels, sentence_vectors)
    best_epoch, dev_accuracy = _fit(nlp, train, dev, labels, schedule)
    dev_docs = [nlp.make_doc(normalise_text(example.text)) for example in dev]
    # Chosen before the refit: the refitted model has seen the dev examples, so its scores on
    # them would promise a precision that unseen contacts do not get.
    thresholds = _dev_thresholds(nlp, dev_docs, [e.label for e in dev], labels, target_precision)
    trained_on = len(train)
    if dev and dev_examples is None:
        nlp = _blank_pipeline(lang, labels, sentence_vectors)
        refit = _Schedule(best_epoch, best_epoch, seed, None)
        _fit(nlp, list(examples), [], labels, refit)
        trained_on = len(examples)
    report = TrainingReport(
        labels=labels,
        train_size=len(train),
        dev_size=len(dev),
        dev_accuracy=dev_accuracy,
        best_epoch=best_epoch,
        seconds=round(time.perf_counter() - started, 3),
        trained_on=trained_on,
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


@dataclass(frozen=True)
class _Schedule:
    max_epochs: int
    patience: int
    seed: int
    on_epoch: Callable[[int, float | None], None] | None


def _fit(
    nlp: Language,
    train: Sequence[Example],
    dev: Sequence[Example],
    labels: tuple[str, ...],
    schedule: _Schedule,
) -> tuple[int, float | None]:
    """Train `nlp` on `train`, leave it with the best epoch's weights; return that epoch and
    its dev accuracy (every epoch is the best, and None the accuracy, without a dev set)."""
    fix_random_seed(schedule.seed)
    train_data = [_spacy_example(nlp, example, labels) for example in train]
    batch_size = min(max(len(train_data) // 60, _MIN_BATCH), _MAX_BATCH)
    optimizer = nlp.initialize(lambda: train_data, sgd=_optimizer(batch_size, len(train_data)))
    textcat = nlp.get_pipe(_COMPONENT)
    fit_to_corpus(textcat.model, [example.reference for example in train_data])
    dev_docs = [nlp.make_doc(normalise_text(example.text)) for example in dev]
    dev_labels = [example.label for example in dev]
    shuffler = random.Random(schedule.seed)
    best_accuracy: float | None = None
    best_epoch = 0
    best_weights = b""
    for epoch in range(1, schedule.max_epochs + 1):
        shuffler.shuffle(train_data)
        for batch in minibatch(train_data, size=batch_size):
            nlp.update(batch, sgd=optimizer)
        # The running average of the weights generalises better than the last update's.
        with nlp.use_params(optimizer.averages):
            accuracy = _accuracy(nlp, dev_docs, dev_labels) if dev_docs else None
            if accuracy is None or best_accuracy is None or accuracy > best_accuracy:
                best_accuracy, best_epoch = accuracy, epoch
                best_weights = textcat.model.to_bytes()
        if schedule.on_epoch:
            schedule.on_epoch(epoch, accuracy)
        if epoch - best_epoch >= schedule.patience:
            break
    textcat.model.from_bytes(best_weights)
    return best_epoch, best_accuracy


def _optimizer(batch_size: int, train_size: int) -> Optimizer:
    # The penalty of a logistic regression with inverse strength C, spread over the batches of
    # an epoch: each batch's summed loss carries batch_size / train_size of it.
    return Adam(_LEARN_RATE, L2=batch_size / (_C * train_size), L2_is_weight_decay=False)


def _labels_of(examples: Sequence[Example]) -> tuple[str, ...]:
    labels = tuple(sorted({example.label for example in examples}))
    if len(labels) < 2:
        raise ValueError(
            f"training needs examples of at least two labels, got {len(examples)} examples "
            f"with labels {list(labels)}"
        )
    return labels


def _blank_pipeline(lang: str, labels: tuple[str, ...], sentence_vectors: bool) -> Language:
    nlp = spacy.blank(lang)
    model = {
        "@architectures": ARCHITECTURE,
        "char_min": _CHAR_NGRAMS[0],
        "char_max": _CHAR_NGRAMS[1],
        "char_min_df": _CHAR_MIN_DF,
        "embedding_scale": _EMBEDDING_SCALE if sentence_vectors else 0.0,
    }
    textcat = nlp.add_pipe(_COMPONENT, config={"model": model})
    for label in labels:
        textcat.add_label(label)
    return nlp


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
