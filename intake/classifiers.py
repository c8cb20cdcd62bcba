"""The topic and sentiment models: versioned, trained from the training folder, then loaded.

Models live in `<model_dir>/<version>/<task>/<language>/`, one folder per version (`v0001`,
`v0002`, ...). The active version is `classifier_version`, or the newest when it is empty. A new
version is trained when there is none, or when the training files (or the seed) changed since the
newest one, so `make run` on a fresh machine and after an edit of the corpus both end with models
that match the data; `intake classify retrain` adds a version that also learns the corrections
people made. A version holds one model per language with enough examples, and a multilingual
one that serves every other language.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from classify import Example, TextClassifier, TrainingReport, load_examples, train_text_classifier
from classify.entity_patterns import parse_reference_patterns
from classify.language import detect_language
from classify.language_models import MULTILINGUAL, LanguageModels
from classify.model_card import CARD_FORMAT
from classify.sentence_embedding import use_encoder_threads
from intake.config import Settings

TASKS = ("topic", "sentiment")
SOURCE_FILE = "intake-source.json"
_VERSION = re.compile(r"v(\d{4})")


class ClassifierVersionError(ValueError):
    """The configured classifier version is missing or unusable; the message says which."""


@dataclass(frozen=True)
class LabelledText:
    """A training example with the language the detector gives its text."""

    text: str
    label: str
    language: str


@dataclass(frozen=True)
class Classifiers:
    version: str
    topic: LanguageModels
    sentiment: LanguageModels
    references: Mapping[str, re.Pattern[str]]


OnTrain = Callable[[str, TrainingReport], None]


def training_files(training_dir: Path) -> list[Path]:
    files = sorted(training_dir.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"{training_dir}: no training files (*.jsonl) found")
    return files


def source_stamp(settings: Settings, files: list[Path]) -> str:
    # The model format is part of the source: models saved by older code are retrained, not
    # refused at load time.
    options = (
        f"{CARD_FORMAT}:{settings.training_seed}:{settings.target_precision}:"
        f"{settings.classifier_sentence_vectors}"
    )
    digest = hashlib.sha256(options.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def corpus_examples(files: list[Path], task: str, languages: Sequence[str]) -> list[LabelledText]:
    """The examples of one task, each with its detected language, as the stage will see it."""
    examples: list[Example] = []
    for path in files:
        examples.extend(load_examples(path, "text", task))
    return [labelled(e.text, e.label, languages) for e in examples]


def labelled(text: str, label: str, languages: Sequence[str]) -> LabelledText:
    return LabelledText(text, label, detect_language(text, languages).code)


def versions(root: Path) -> list[str]:
    """The model versions in `root`, oldest first."""
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir() if d.is_dir() and _VERSION.fullmatch(d.name))


def ensure_classifiers(settings: Settings, on_train: OnTrain | None = None) -> Classifiers:
    """Load the active version, first training a new one if the training data changed."""
    root = settings.resolved_model_dir
    root.mkdir(parents=True, exist_ok=True)
    if settings.classifier_version:
        return load_version(settings, settings.classifier_version)
    files = training_files(settings.training_dir)
    stamp = source_stamp(settings, files)
    # One trainer at a time: a second process waits and then finds the models current.
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known = versions(root)
        if not known or _source(root / known[-1]).get("stamp") != stamp:
            corpus = {task: corpus_examples(files, task, settings.language_list) for task in TASKS}
            train_version(settings, corpus, {"stamp": stamp, "corrections": 0}, on_train)
        newest = versions(root)[-1]
    return load_version(settings, newest)


def retrain(
    settings: Settings,
    corrections: Mapping[str, Sequence[LabelledText]],
    on_train: OnTrain | None = None,
) -> str:
    """Train a new version on the training files plus `corrections` (by task); return its name.

    A correction of a text that is also in the corpus replaces the corpus label: the person who
    corrected it saw the contact.
    """
    files = training_files(settings.training_dir)
    stamp = source_stamp(settings, files)
    corpus: dict[str, list[LabelledText]] = {}
    for task in TASKS:
        fixed = {c.text: c for c in corrections.get(task, ())}
        base = [
            e for e in corpus_examples(files, task, settings.language_list) if e.text not in fixed
        ]
        corpus[task] = base + list(fixed.values())
    count = sum(len(c) for c in corrections.values())
    root = settings.resolved_model_dir
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return train_version(settings, corpus, {"stamp": stamp, "corrections": count}, on_train)


def train_version(
    settings: Settings,
    corpus: Mapping[str, Sequence[LabelledText]],
    source: dict[str, object],
    on_train: OnTrain | None = None,
) -> str:
    """Train every task's models into the next version folder; return the version's name."""
    root = settings.resolved_model_dir
    known = versions(root)
    version = f"v{(int(known[-1][1:]) + 1 if known else 1):04d}"
    # Trained beside, then renamed: a crash never leaves a half-trained newest version.
    building = root / f".{version}.building"
    shutil.rmtree(building, ignore_errors=True)
    apply_encoder_threads(settings)
    for task, examples in corpus.items():
        for language, subset in _per_language(examples, settings.min_language_examples).items():
            report = train_text_classifier(
                [Example(e.text, e.label) for e in subset],
                building / task / language,
                seed=settings.training_seed,
                lang=language,
                target_precision=settings.target_precision,
                sentence_vectors=settings.classifier_sentence_vectors,
            )
            if on_train:
                on_train(f"{task}/{language}", report)
    (building / SOURCE_FILE).write_text(json.dumps(source), encoding="utf-8")
    building.rename(root / version)
    return version


def _per_language(examples: Sequence[LabelledText], minimum: int) -> dict[str, list[LabelledText]]:
    """A subset for each language with enough examples of at least two labels, and all for xx."""
    subsets: dict[str, list[LabelledText]] = {MULTILINGUAL: list(examples)}
    for language in sorted({e.language for e in examples}):
        subset = [e for e in examples if e.language == language]
        if len(subset) >= minimum and len({e.label for e in subset}) >= 2:
            subsets[language] = subset
    return subsets


def apply_encoder_threads(settings: Settings) -> None:
    """Set the sentence encoder's threads from `classifier_threads` (0: one per core)."""
    use_encoder_threads(settings.classifier_threads or os.cpu_count() or 1)


def load_version(settings: Settings, version: str) -> Classifiers:
    folder = settings.resolved_model_dir / version
    if not folder.is_dir():
        known = ", ".join(versions(settings.resolved_model_dir)) or "none"
        raise ClassifierVersionError(
            f"classifier_version {version!r}: no folder {folder} (versions: {known})"
        )
    models = {}
    for task in TASKS:
        languages = sorted(d.name for d in (folder / task).iterdir() if d.is_dir())
        models[task] = LanguageModels(
            {code: TextClassifier.load(folder / task / code) for code in languages}
        )
    apply_encoder_threads(settings)
    return Classifiers(
        version=version,
        topic=models["topic"],
        sentiment=models["sentiment"],
        references=parse_reference_patterns(settings.reference_patterns),
    )


def _source(version_dir: Path) -> dict[str, object]:
    try:
        return json.loads((version_dir / SOURCE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
