"""Drop folders watched by `intake fetch`: the scanner's hot folder and the mail drop folder.

A file leaves the folder only after its contact is committed: to `done/` when stored (or a
repeat), to `failed/` with a `.reason.txt` beside it when no channel can take it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from intake import failpoints
from intake.app import App
from intake.channels.files import MAILDIR_PARTS, Refusal, is_maildir, read_item
from intake.channels.items import Outcome, Received
from intake.channels.scan_batches import receive_scan

DONE = "done"
FAILED = "failed"


def settled_files(inbox: Path, settle_seconds: float) -> list[Path]:
    """Files last written over `settle_seconds` ago, so a scan still being written waits."""
    now = time.time()
    candidates = []
    folders = [inbox / "new", inbox / "cur"] if is_maildir(inbox) else [inbox]
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            if now - path.stat().st_mtime >= settle_seconds:
                candidates.append(path)
    return candidates


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    counter = 1
    while target.exists():
        target = folder / f"{path.stem}.{counter}{path.suffix}"
        counter += 1
    path.replace(target)
    return target


def collect(
    app: App,
    inbox: Path,
    *,
    settle_seconds: float = 1.0,
    on_item: Callable[[Received], None] | None = None,
) -> list[Received]:
    """Take every settled file of `inbox` once, then move it out of the way: one result per
    contact (a scanned batch makes one per document), or one refusal per file."""
    inbox.mkdir(parents=True, exist_ok=True)
    maildir = is_maildir(inbox)
    results: list[Received] = []
    for path in settled_files(inbox, settle_seconds):
        item = read_item(path, in_maildir=maildir)
        if isinstance(item, Refusal):
            received = [Received(Outcome.REFUSED, str(path), reason=item.reason)]
            moved = _move(path, inbox / FAILED)
            moved.with_name(moved.name + ".reason.txt").write_text(item.reason + "\n")
        else:
            # A batch with separator sheets answers once per document, all committed together.
            received = receive_scan(app, item)
            failpoints.hit("hot_folder.before_move")
            _move(path, inbox / DONE)
        for result in received:
            results.append(result)
            if on_item:
                on_item(result)
    return results


def prepare_maildir(folder: Path) -> None:
    for part in MAILDIR_PARTS:
        (folder / part).mkdir(parents=True, exist_ok=True)
