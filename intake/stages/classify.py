"""Classify: language, topic, sentiment and entities with their scores, a batch at a time.

The detected language picks the model that reads the text (see `classify.language_models`);
the topic model's per-label threshold travels with the contact, so routing sends a topic under
it to triage instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy.orm import Session

from classify import LanguagePrediction, detect_language, find_entities
from intake.app import App
from workflow.models import Contact


def classification_text(contact: Contact) -> str:
    """What the models read: the subject carries the customer's own summary, so it comes first."""
    return "\n".join(part for part in (contact.subject, contact.text) if part.strip())


def run(app: App, session: Session, contacts: Sequence[Contact]) -> None:
    readable = [c for c in contacts if contact_has_text(c)]
    for contact in contacts:
        if not contact_has_text(contact):
            # Nothing to read: routing sends it to triage, where a person looks at the original.
            contact.topic = contact.sentiment = contact.language = None
            contact.topic_score = contact.sentiment_score = None
            contact.entities = []
    if not readable:
        return
    models = app.classifiers
    texts = [classification_text(c) for c in readable]
    languages = [detect_language(c.text or t, app.settings.language_list).code
                 for c, t in zip(readable, texts, strict=True)]  # fmt: skip
    topics = models.topic.predict(texts, languages)
    sentiments = models.sentiment.predict(texts, languages)
    for contact, text, language, topic, sentiment in zip(
        readable, texts, languages, topics, sentiments, strict=True
    ):
        contact.language = language
        store_labels(contact, topic, sentiment, models.version)
        contact.entities = [
            {**asdict(entity), "score": 1.0} for entity in find_entities(text, models.references)
        ]


def store_labels(
    contact: Contact, topic: LanguagePrediction, sentiment: LanguagePrediction, version: str
) -> None:
    best_topic, best_sentiment = topic.prediction, sentiment.prediction
    contact.topic, contact.topic_score = best_topic.label, round(best_topic.score, 4)
    contact.sentiment = best_sentiment.label
    contact.sentiment_score = round(best_sentiment.score, 4)
    contact.scores = {
        "topic": {k: round(v, 4) for k, v in best_topic.scores.items()},
        "sentiment": {k: round(v, 4) for k, v in best_sentiment.scores.items()},
        "topic_threshold": best_topic.threshold,
        "topic_trusted": best_topic.trusted,
        "model": {"version": version, "language": topic.model_language},
    }


def contact_has_text(contact: Contact) -> bool:
    return bool(classification_text(contact).strip())
