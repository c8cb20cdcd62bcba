"""Labelled texts for training and evaluation: loading them from CSV/JSONL and splitting them."""

import csv
import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from classify.normalise import normalise_text


@dataclass(frozen=True)
class Example:
    text: str
    label: str


class ExampleFileError(ValueError):
    """A file of examples that cannot be read; the message names the file, line and problem."""


def load_examples(path: Path | str, text_field: str, label_field: str) -> list[Example]:
    """Read examples from a `.csv` (header row) or `.jsonl` (one object per line) file.

    Every row must have a non-empty text and label: a bad row stops the load with an error naming
    the file and line, rather than being skipped, so that no training example is silently lost.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path, text_field, label_field)
    elif suffix == ".jsonl":
        rows = _jsonl_rows(path)
    else:
        raise ExampleFileError(f"{path}: unsupported file type {suffix!r}, expected .csv or .jsonl")
    try:
        return [_example(path, line, row, text_field, label_field) for line, row in rows]
    except FileNotFoundError:
        raise ExampleFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise ExampleFileError(f"{path}: not UTF-8 text ({error.reason})") from None


def _csv_rows(path: Path, text_field: str, label_field: str) -> Iterator[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [field for field in (text_field, label_field) if field not in header]
        if missing:
            raise ExampleFileError(
                f"{path}: missing column {', '.join(map(repr, missing))} "
                f"(header has {', '.join(map(repr, header)) or 'no columns'})"
            )
        for row in reader:
            # A quoted field may span lines; report the line where the record starts.
            yield reader.line_num - _newlines_in(row), row


def _newlines_in(row: dict) -> int:
    return sum(value.count("\n") for value in row.values() if isinstance(value, str))


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ExampleFileError(
                    f"{path}:{line_number}: invalid JSON ({error.msg})"
                ) from None
            if not isinstance(row, dict):
                raise ExampleFileError(f"{path}:{line_number}: expected a JSON object")
            yield line_number, row


def _example(path: Path, line: int, row: dict, text_field: str, label_field: str) -> Example:
    values = []
    for field in (text_field, label_field):
        value = row.get(field)
        if value is None:
            raise ExampleFileError(f"{path}:{line}: missing field {field!r}")
        if not isinstance(value, str):
            raise ExampleFileError(f"{path}:{line}: field {field!r} is not a string")
        if not value.strip():
            raise ExampleFileError(f"{path}:{line}: field {field!r} is empty")
        values.append(value)
    return Example(text=values[0], label=values[1].strip())


def split_train_dev(
    examples: Sequence[Example], dev_share: float, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """Split into (train, dev), keeping each label's share of examples in both parts.

    Deterministic for the same input order and seed. A label with a single example stays in train:
    the model must see every label at least once.
    """
    if not 0.0 <= dev_share < 1.0:
        raise ValueError(f"dev_share must be in [0, 1), got {dev_share}")
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_label[example.label].append(index)
    rng = random.Random(seed)
    dev_indices: set[int] = set()
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        dev_count = min(round(len(indices) * dev_share), len(indices) - 1)
        dev_indices.update(indices[:dev_count])
    train = [example for index, example in enumerate(examples) if index not in dev_indices]
    dev = [example for index, example in enumerate(examples) if index in dev_indices]
    return train, dev


def fingerprint_examples(examples: Sequence[Example]) -> str:
    """A SHA-256 of the examples as the model sees them, independent of their order.

    Two files holding the same labelled texts (after normalisation) get the same fingerprint, so a
    saved model can tell whether it was trained on a given data set.
    """
    digest = hashlib.sha256()
    for line in sorted(f"{normalise_text(e.text)}\t{e.label}" for e in examples):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
