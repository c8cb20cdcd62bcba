"""Classify: language, topic and sentiment with their scores, a batch at a time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from classify import detect_language
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
    if not readable:
        return
    texts = [classification_text(c) for c in readable]
    models = app.classifiers
    topics = models.topic.predict(texts)
    sentiments = models.sentiment.predict(texts)
    for contact, topic, sentiment in zip(readable, topics, sentiments, strict=True):
        contact.language = detect_language(contact.text, app.settings.language_list).code
        contact.topic, contact.topic_score = topic.label, round(topic.score, 4)
        contact.sentiment, contact.sentiment_score = sentiment.label, round(sentiment.score, 4)
        contact.scores = {
            "topic": {k: round(v, 4) for k, v in topic.scores.items()},
            "sentiment": {k: round(v, 4) for k, v in sentiment.scores.items()},
        }


def contact_has_text(contact: Contact) -> bool:
    return bool(classification_text(contact).strip())
