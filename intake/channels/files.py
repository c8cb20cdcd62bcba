"""Files on disk as source items: `.eml` files and Maildirs for email, images and PDFs for scans."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from intake.channels.items import Channel, SourceItem

EMAIL_SUFFIXES = {".eml"}
SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf", ".bmp", ".gif", ".webp"}
MAILDIR_PARTS = ("cur", "new", "tmp")


@dataclass(frozen=True)
class Refusal:
    """A file no channel can take; it is left (or moved to failed/) with this reason."""

    path: Path
    reason: str


def is_maildir(folder: Path) -> bool:
    return all((folder / part).is_dir() for part in MAILDIR_PARTS)


def channel_for(path: Path, *, in_maildir: bool = False) -> Channel | None:
    suffix = path.suffix.lower()
    if in_maildir or suffix in EMAIL_SUFFIXES:
        return Channel.EMAIL
    if suffix in SCAN_SUFFIXES:
        return Channel.SCAN
    return None


def media_type_for(path: Path, channel: Channel) -> str:
    if channel is Channel.EMAIL:
        return "message/rfc822"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def read_item(path: Path, *, in_maildir: bool = False) -> SourceItem | Refusal:
    channel = channel_for(path, in_maildir=in_maildir)
    if channel is None:
        known = ", ".join(sorted(EMAIL_SUFFIXES | SCAN_SUFFIXES))
        return Refusal(path, f"unsupported file type '{path.suffix or path.name}' (known: {known})")
    try:
        data = path.read_bytes()
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as error:
        return Refusal(path, f"cannot read the file: {error.strerror or error}")
    return SourceItem(
        channel=channel,
        source=str(path),
        filename=path.name,
        data=data,
        received_at=min(modified, datetime.now(UTC)),
        media_type=media_type_for(path, channel),
    )


def walk(paths: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Every file under `paths` (sorted, hidden ones skipped) and whether it sits in a Maildir."""
    for path in paths:
        if path.is_dir():
            if is_maildir(path):
                for part in ("new", "cur"):
                    for message in sorted((path / part).iterdir()):
                        if message.is_file() and not message.name.startswith("."):
                            yield message, True
                continue
            for child in sorted(path.iterdir()):
                if child.name.startswith("."):
                    continue
                yield from walk([child])
        else:
            yield path, False
