"""A batch whose originals the caller already stored commits rows pointing at those blobs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from intake.app import App
from intake.channels.items import Channel, Outcome, SourceItem
from intake.channels.receive import receive_batch
from workflow.models import Contact


def _items(count: int) -> list[SourceItem]:
    return [
        SourceItem(
            channel=Channel.EMAIL,
            source=f"imap://test/INBOX;UID={n}",
            filename=f"{n}.eml",
            data=f"Subject: message {n}\r\n\r\nbody {n}\r\n".encode(),
            received_at=datetime.now(UTC),
            media_type="message/rfc822",
        )
        for n in range(count)
    ]


def test_rows_point_at_the_blobs_the_caller_stored(app: App) -> None:
    items = _items(3)
    shas = app.blobs.put_many([item.data for item in items])
    results = receive_batch(app, items, stored_blobs=shas)
    assert [result.outcome for result in results] == [Outcome.STORED] * 3
    with app.sessions() as session:
        stored = {row.id: row.sha256 for row in session.execute(select(Contact.id, Contact.sha256))}
    for result, item, sha in zip(results, items, shas, strict=True):
        assert result.contact_id is not None
        assert stored[result.contact_id] == sha
        assert app.blobs.get(sha) == item.data


def test_a_hash_count_that_does_not_match_the_items_is_refused_and_stores_nothing(
    app: App,
) -> None:
    items = _items(3)
    shas = app.blobs.put_many([item.data for item in items])
    with pytest.raises(ValueError, match="2 stored blobs for 3 items"):
        receive_batch(app, items, stored_blobs=shas[:2])
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
