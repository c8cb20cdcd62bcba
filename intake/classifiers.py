"""The topic and sentiment models: trained from the training folder on first use, then loaded.

A model is retrained when the training files or the seed change, so `make run` on a fresh
machine and after an edit of the corpus both end with models that match the data.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from classify import Example, TextClassifier, TrainingReport, load_examples, train_text_classifier
from intake.config import Settings

TASKS = ("topic", "sentiment")
STAMP = "intake-source.json"


@dataclass(frozen=True)
class Classifiers:
    topic: TextClassifier
    sentiment: TextClassifier


def training_files(training_dir: Path) -> list[Path]:
    files = sorted(training_dir.glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"{training_dir}: no training files (*.jsonl) found")
    return files


def source_stamp(files: list[Path], task: str, seed: int) -> str:
    digest = hashlib.sha256(f"{task}:{seed}".encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def examples_for(files: list[Path], task: str) -> list[Example]:
    examples: list[Example] = []
    for path in files:
        examples.extend(load_examples(path, "text", task))
    return examples


def _is_current(model_dir: Path, stamp: str) -> bool:
    stamp_file = model_dir / STAMP
    if not stamp_file.is_file():
        return False
    return json.loads(stamp_file.read_text()).get("source") == stamp


def ensure_classifiers(
    settings: Settings, on_train: Callable[[str, TrainingReport], None] | None = None
) -> Classifiers:
    """Load both models, training any that is missing or older than its training data."""
    root = settings.resolved_model_dir
    root.mkdir(parents=True, exist_ok=True)
    files = training_files(settings.training_dir)
    # One trainer at a time: a second process waits and then finds the models current.
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for task in TASKS:
            model_dir = root / task
            stamp = source_stamp(files, task, settings.training_seed)
            if _is_current(model_dir, stamp):
                continue
            report = train_text_classifier(
                examples_for(files, task), model_dir, seed=settings.training_seed
            )
            (model_dir / STAMP).write_text(json.dumps({"source": stamp}))
            if on_train:
                on_train(task, report)
    return Classifiers(
        topic=TextClassifier.load(root / "topic"),
        sentiment=TextClassifier.load(root / "sentiment"),
    )
