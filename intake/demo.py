"""The demo: the sample contacts of `samples/manifest.csv`, and how well Intake routed them."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import Case, Contact


@dataclass(frozen=True)
class ManifestRow:
    path: Path
    channel: str
    kind: str
    language: str
    topic: str
    sentiment: str
    unit: str


@dataclass(frozen=True)
class Miss:
    path: Path
    expected_unit: str
    got_unit: str | None
    expected_topic: str
    got_topic: str | None
    note: str


@dataclass(frozen=True)
class Accuracy:
    total: int
    unit_hits: int
    topic_hits: int
    sentiment_hits: int
    misses: list[Miss]

    @staticmethod
    def share(hits: int, total: int) -> float:
        return hits / total if total else 0.0

    @property
    def unit_share(self) -> float:
        return self.share(self.unit_hits, self.total)


REQUIRED_COLUMNS = ("path", "channel", "kind", "language", "topic", "sentiment", "unit")


def read_manifest(path: Path) -> list[ManifestRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for number, row in enumerate(reader, start=2):
            file = path.parent / row["path"]
            if not file.is_file():
                raise ValueError(f"{path}, line {number}: file {row['path']} not found")
            rows.append(
                ManifestRow(
                    file,
                    *(row[c] for c in REQUIRED_COLUMNS[1:]),  # type: ignore[arg-type]
                )
            )
    return rows


def measure(session: Session, rows: list[ManifestRow]) -> Accuracy:
    """Compare each sample's contact with its manifest row (matched by the file's SHA-256)."""
    unit_hits = topic_hits = sentiment_hits = 0
    misses: list[Miss] = []
    for row in rows:
        sha = hashlib.sha256(row.path.read_bytes()).hexdigest()
        contact = session.scalar(select(Contact).where(Contact.sha256 == sha).limit(1))
        case = session.get(Case, contact.case_id) if contact and contact.case_id else None
        unit = case.unit if case else None
        topic = contact.topic if contact else None
        unit_hits += unit == row.unit
        topic_hits += topic == row.topic
        sentiment_hits += bool(contact and contact.sentiment == row.sentiment)
        if unit != row.unit:
            if contact is None:
                note = "not ingested"
            elif contact.status == "quarantined":
                note = f"quarantined: {contact.quarantine_reason}"
            else:
                note = f"topic score {contact.topic_score}"
            misses.append(Miss(row.path, row.unit, unit, row.topic, topic, note))
    return Accuracy(len(rows), unit_hits, topic_hits, sentiment_hits, misses)
