"""Topic/sentiment text classification with spaCy: training a model and predicting with it."""

import random
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam, Optimizer

from classify.cascade import (
    CascadeChoice,
    Cats,
    cascade_cats,
    choose_cascade,
    log_loss,
    needs_full_model,
    top_label,
    vectors_pay,
)
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
# The subfolder holding the cascade's n-gram head, a spaCy pipeline of its own.
_HEAD_FOLDER = "ngrams"
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
    # Whether the answer comes from the model that read the text's sentence vector.
    sentence_vector: bool = False


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
    trained = _train_heads(lang, labels, train, dev, schedule, sentence_vectors)
    # Chosen before the refit: the refitted model has seen the dev examples, so its scores on
    # them would promise a precision that unseen contacts do not get.
    gold = [e.label for e in dev]
    thresholds = _dev_thresholds(trained.dev_cats, gold, labels, target_precision)
    trained_on = len(train)
    served, head = trained.served.nlp, trained.head.nlp if trained.head else None
    if dev and dev_examples is None:
        served = _refit(lang, labels, examples, trained.served, seed)
        head = _refit(lang, labels, examples, trained.head, seed) if trained.head else None
        trained_on = len(examples)
    report = TrainingReport(
        labels=labels,
        train_size=len(train),
        dev_size=len(dev),
        dev_accuracy=_accuracy(trained.dev_cats, gold) if dev else None,
        best_epoch=trained.served.best_epoch,
        seconds=round(time.perf_counter() - started, 3),
        trained_on=trained_on,
        ngram_dev_accuracy=trained.comparison.ngram_dev_accuracy,
        vector_dev_accuracy=trained.comparison.vector_dev_accuracy,
        ngram_dev_log_loss=trained.comparison.ngram_dev_log_loss,
        vector_dev_log_loss=trained.comparison.vector_dev_log_loss,
    )
    card = ModelCard(
        labels=labels,
        fingerprint=fingerprint_examples(examples),
        seed=seed,
        spacy_version=spacy.__version__,
        report=report,
        language=lang,
        thresholds=thresholds,
        target_precision=target_precision,
        sentence_vectors=trained.served.sentence_vectors,
        cascade=trained.cascade,
    )
    _save(Path(out_dir), served, head, card)
    return report


def _save(out_dir: Path, served: Language, head: Language | None, card: ModelCard) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    served.to_disk(out_dir)
    # A head left by an earlier model in the same folder must not be read with this one.
    shutil.rmtree(out_dir / _HEAD_FOLDER, ignore_errors=True)
    if head is not None:
        head.to_disk(out_dir / _HEAD_FOLDER)
    write_model_card(card, out_dir)


@dataclass(frozen=True)
class _Schedule:
    max_epochs: int
    patience: int
    seed: int
    on_epoch: Callable[[int, float | None], None] | None


@dataclass(frozen=True)
class _Head:
    """One model of a training run, at its best epoch, with its scores on the dev texts."""

    nlp: Language
    sentence_vectors: bool
    best_epoch: int
    dev_accuracy: float | None
    dev_cats: list[Cats]


@dataclass(frozen=True)
class _Comparison:
    """The n-gram model and the model with vectors on the dev texts, when both were trained."""

    ngram_dev_accuracy: float | None = None
    vector_dev_accuracy: float | None = None
    ngram_dev_log_loss: float | None = None
    vector_dev_log_loss: float | None = None


@dataclass(frozen=True)
class _Trained:
    # The model that answers (every text, or those the head is unsure of), and the head.
    served: _Head
    head: _Head | None
    cascade: CascadeChoice | None
    # What the served model (with the head, if any) answers on the dev texts.
    dev_cats: list[Cats]
    comparison: _Comparison


def _train_heads(
    lang: str,
    labels: tuple[str, ...],
    train: Sequence[Example],
    dev: Sequence[Example],
    schedule: _Schedule,
    sentence_vectors: bool,
) -> _Trained:
    """Train the n-gram model and, if asked, the model with sentence vectors; decide on dev
    data whether the vectors are worth their cost and from which score the n-grams suffice."""
    if not sentence_vectors:
        ngrams = _train_head(lang, labels, train, dev, schedule, False)
        return _Trained(ngrams, None, None, ngrams.dev_cats, _Comparison(ngrams.dev_accuracy))
    full = _train_head(lang, labels, train, dev, schedule, True)
    if not dev:
        # Nothing to judge the n-grams by: the full model answers every text.
        return _Trained(full, None, None, full.dev_cats, _Comparison())
    quiet = replace(schedule, on_epoch=None)
    ngrams = _train_head(lang, labels, train, dev, quiet, False)
    gold = [example.label for example in dev]
    comparison = _Comparison(
        ngrams.dev_accuracy,
        full.dev_accuracy,
        round(log_loss(ngrams.dev_cats, gold), 6),
        round(log_loss(full.dev_cats, gold), 6),
    )
    if not vectors_pay(ngrams.dev_cats, full.dev_cats, gold):
        # The vectors do not help on this data: the n-gram model alone answers, and no
        # contact pays for a vector.
        return _Trained(ngrams, None, None, ngrams.dev_cats, comparison)
    cascade = choose_cascade(ngrams.dev_cats, full.dev_cats)
    if cascade is None:
        return _Trained(full, None, None, full.dev_cats, comparison)
    asked = {
        index: cats
        for index, cats in enumerate(full.dev_cats)
        if needs_full_model(ngrams.dev_cats[index], cascade.threshold)
    }
    combined = cascade_cats(ngrams.dev_cats, asked, cascade.threshold)
    return _Trained(full, ngrams, cascade, combined, comparison)


def _train_head(
    lang: str,
    labels: tuple[str, ...],
    train: Sequence[Example],
    dev: Sequence[Example],
    schedule: _Schedule,
    sentence_vectors: bool,
) -> _Head:
    nlp = _blank_pipeline(lang, labels, sentence_vectors)
    best_epoch, dev_accuracy = _fit(nlp, train, dev, labels, schedule)
    dev_docs = [nlp.make_doc(normalise_text(example.text)) for example in dev]
    return _Head(nlp, sentence_vectors, best_epoch, dev_accuracy, _read_cats(nlp, dev_docs))


def _refit(
    lang: str, labels: tuple[str, ...], examples: Sequence[Example], head: _Head, seed: int
) -> Language:
    """The same model trained from scratch on all the examples for its best number of epochs."""
    nlp = _blank_pipeline(lang, labels, head.sentence_vectors)
    _fit(nlp, list(examples), [], labels, _Schedule(head.best_epoch, head.best_epoch, seed, None))
    return nlp


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
            accuracy = _accuracy(_read_cats(nlp, dev_docs), dev_labels) if dev_docs else None
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


def _read_cats(nlp: Language, docs: Sequence[Doc]) -> list[Cats]:
    """The label scores of `docs`, copied: a later model reading the same Docs overwrites them."""
    return [dict(doc.cats) for doc in nlp.get_pipe(_COMPONENT).pipe(docs)]


def _accuracy(cats: Sequence[Cats], gold: Sequence[str]) -> float:
    predicted = [top_label(scores)[0] for scores in cats]
    return sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold)


def _dev_thresholds(
    cats: Sequence[Cats], gold: list[str], labels: tuple[str, ...], target: float
) -> dict[str, float]:
    if not cats:
        # Without held-out data nothing is known about precision: trust nothing automatically.
        return dict.fromkeys(labels, UNTRUSTED)
    best = [top_label(scores) for scores in cats]
    return choose_thresholds(
        labels, [label for label, _ in best], [score for _, score in best], gold, target
    )


class TextClassifier:
    """A trained classifier loaded from disk; `predict` turns texts into labels with scores.

    With a cascade, the n-gram head reads every text first and the full model (with the
    sentence vector) only the texts whose head score is under the card's threshold.
    """

    def __init__(
        self, nlp: Language, card: ModelCard, path: Path, head: Language | None = None
    ) -> None:
        self._nlp = nlp
        self._head = head
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
        nlp = _load_pipeline(path, card)
        head = _load_pipeline(path / _HEAD_FOLDER, card) if card.cascade else None
        return cls(nlp, card, path, head)

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

    @property
    def sentence_vectors(self) -> bool:
        return self._card.sentence_vectors

    @property
    def cascade(self) -> CascadeChoice | None:
        return self._card.cascade

    def predict(
        self, texts: Sequence[str], batch_size: int = 256, *, full_model: bool = False
    ) -> list[Prediction]:
        """Predict each text; `full_model` skips the cascade (every text gets the vector), to
        measure what the cascade costs in accuracy."""
        predictions: list[Prediction] = []
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            docs = [self._nlp.make_doc(normalise_text(text)) for text in chunk]
            cascade = None if full_model else self._card.cascade
            if self._head is None or cascade is None:
                vector = self._card.sentence_vectors
                predictions += [self._prediction(c, vector) for c in _read_cats(self._nlp, docs)]
            else:
                predictions += self._cascade(docs, cascade.threshold)
        return predictions

    def _cascade(self, docs: list[Doc], threshold: float) -> list[Prediction]:
        assert self._head is not None
        head_cats = _read_cats(self._head, docs)
        asked = [i for i, cats in enumerate(head_cats) if needs_full_model(cats, threshold)]
        full_cats = _read_cats(self._nlp, [docs[i] for i in asked])
        by_index = dict(zip(asked, full_cats, strict=True))
        combined = cascade_cats(head_cats, by_index, threshold)
        return [self._prediction(cats, i in by_index) for i, cats in enumerate(combined)]

    def _prediction(self, cats: Mapping[str, float], sentence_vector: bool) -> Prediction:
        scores = {label: float(score) for label, score in sorted(cats.items())}
        label = max(scores, key=scores.__getitem__)
        threshold = self._card.thresholds.get(label, UNTRUSTED)
        return Prediction(
            label=label,
            score=scores[label],
            scores=MappingProxyType(scores),
            threshold=threshold,
            trusted=is_trusted(label, scores[label], self._card.thresholds),
            sentence_vector=sentence_vector,
        )


def _load_pipeline(path: Path, card: ModelCard) -> Language:
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
    return nlp
