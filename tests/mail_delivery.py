"""Delivering emails through the real pipeline in tests, and recording what we sent."""

from __future__ import annotations

from pathlib import Path

from intake import pipeline
from intake.app import App
from intake.channels.ingest import ingest_paths
from workflow.db import unit_of_work
from workflow.models import Contact, OutboxMessage


def deliver(app: App, folder: Path, raw: bytes) -> Contact:
    """Ingest one message and run the whole pipeline; the contact as it ends up."""
    path = folder / f"{len(list(folder.iterdir())):03d}.eml"
    path.write_bytes(raw)
    (received,) = ingest_paths(app, [path])
    pipeline.process(app)
    with app.sessions() as session:
        contact = session.get(Contact, received.contact_id)
        assert contact is not None and contact.stage == "routed", contact
        session.expunge(contact)
        return contact


def record_sent_acknowledgement(
    app: App, contact: Contact, to_address: str, message_id: str, kind: str = "acknowledgement"
) -> None:
    """As if the outbox had sent our acknowledgement of `contact` under `message_id`."""
    with unit_of_work(app.sessions) as session:
        session.add(
            OutboxMessage(
                kind=kind,
                contact_id=contact.id,
                case_id=contact.case_id,
                to_address=to_address,
                subject="We received your message",
                body_text="Thank you",
                message_id=message_id,
                status="sent",
            )
        )
