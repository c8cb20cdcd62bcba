"""`intake ingest FILES`: take files and folders as they are, without moving them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from intake.app import App
from intake.channels.files import Refusal, read_item, walk
from intake.channels.items import Outcome, Received
from intake.channels.scan_batches import receive_scan


def ingest_paths(
    app: App, paths: list[Path], on_item: Callable[[Received], None] | None = None
) -> list[Received]:
    results: list[Received] = []
    for path, in_maildir in walk(paths):
        item = read_item(path, in_maildir=in_maildir)
        if isinstance(item, Refusal):
            received = [Received(Outcome.REFUSED, str(path), reason=item.reason)]
        else:
            received = receive_scan(app, item)  # one per document of a scanned batch
        for result in received:
            results.append(result)
            if on_item:
                on_item(result)
    return results
