"""The classify stage in the pipeline: the language picks the model, scores and entities are
stored, a topic under its threshold becomes a triage task, and a person's correction sticks."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import pipeline
from intake.app import App
from intake.channels.ingest import ingest_paths
from intake.corrections import CorrectionError, correction_examples, relabel
from workflow.models import Contact, LabelCorrection, Task, TaskKind

pytestmark = pytest.mark.slow

POLISH_LETTER = (
    "Szanowni Państwo, zamówienie ORD-5531907 miało być dostarczone w zeszłym tygodniu, ale "
    "kurier nie przyjechał i nikt do mnie nie zadzwonił. Proszę o informację, kiedy przesyłka "
    "dotrze na adres ul. Długa 5, 00-950 Warszawa. Z poważaniem, Anna Nowak"
)
ENGLISH_LETTER = (
    "Hello, I was charged twice for order ORD-4410285: 1 849,00 zł left my account two times. "
    "Please refund the overpayment to PL61 1090 1014 0000 0712 1981 2874. Regards, John Smith"
)
# No topic in it at all: the model can only guess.
VAGUE_LETTER = "Dzień dobry. Pozdrawiam"


def _email(folder: Path, name: str, subject: str, body: str) -> Path:
    message = EmailMessage()
    message["From"] = "customer@example.com"
    message["To"] = "service@vistula.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{name}@example.com>"
    message.set_content(body)
    path = folder / f"{name}.eml"
    path.write_bytes(bytes(message))
    return path


def _processed(app: App, tmp_path: Path, letters: dict[str, tuple[str, str]]) -> dict[str, int]:
    paths = [_email(tmp_path, name, *letter) for name, letter in letters.items()]
    received = ingest_paths(app, paths)
    pipeline.process(app)
    return {name: r.contact_id for name, r in zip(letters, received, strict=True)}


def test_a_polish_letter_goes_through_the_polish_pipeline(app: App, tmp_path: Path) -> None:
    app.sync_organisation()
    ids = _processed(
        app,
        tmp_path,
        {
            "pl": ("Gdzie jest moja przesyłka?", POLISH_LETTER),
            "en": ("Charged twice", ENGLISH_LETTER),
        },
    )
    with app.sessions() as session:
        polish, english = (session.get(Contact, ids[name]) for name in ("pl", "en"))
        assert polish.language == "pl" and polish.scores["model"]["language"] == "pl"
        assert english.language == "en" and english.scores["model"]["language"] == "en"
        assert polish.topic == "delivery" and english.topic == "billing"
        for contact in (polish, english):
            assert set(contact.scores["topic"]) == set(app.classifiers.topic.labels)
            assert contact.topic_score == pytest.approx(
                max(contact.scores["topic"].values()), abs=1e-4
            )
            assert contact.sentiment in ("negative", "neutral", "positive")
        assert {(e["kind"], e["value"]) for e in polish.entities} >= {
            ("order", "ORD-5531907"),
            ("postcode", "PL 00-950"),
        }
        assert {(e["kind"], e["value"]) for e in english.entities} >= {
            ("order", "ORD-4410285"),
            ("amount", "1849.00 PLN"),
            ("iban", "PL61109010140000071219812874"),
        }


def test_a_contact_under_its_topics_threshold_gets_a_triage_task_and_a_correction_moves_it(
    app: App, tmp_path: Path
) -> None:
    app.sync_organisation()
    ids = _processed(app, tmp_path, {"vague": ("Kontakt", VAGUE_LETTER)})
    with app.sessions() as session:
        contact = session.get(Contact, ids["vague"])
        assert contact.topic_score < contact.scores["topic_threshold"]
        assert contact.scores["topic_trusted"] is False
        [task] = session.scalars(select(Task).where(Task.contact_id == contact.id)).all()
        assert (task.kind, task.unit) == (TaskKind.TRIAGE, app.organisation.triage_unit)
        guessed = contact.topic

    with pytest.raises(CorrectionError, match="unknown topic 'refunds'"):
        relabel(app, ids["vague"], "refunds", actor="anna")
    new_topic = "loyalty" if guessed != "loyalty" else "billing"
    result = relabel(app, ids["vague"], new_topic, actor="anna")
    assert (result.old_topic, result.new_topic) == (guessed, new_topic)
    assert result.unit == app.organisation.topic(new_topic).unit
    with app.sessions() as session:
        task = session.get(Task, result.task_id)
        assert (task.kind, task.unit) == (TaskKind.ANSWER, result.unit)
        [correction] = session.scalars(select(LabelCorrection)).all()
        assert (correction.old_label, correction.new_label, correction.actor) == (
            guessed,
            new_topic,
            "anna",
        )
        examples = correction_examples(session, app.settings.language_list)
    [example] = examples["topic"]
    assert (example.label, example.language) == (new_topic, "pl")
    assert VAGUE_LETTER in example.text
