"""Scans uploaded at the mailroom station, taken exactly as the hot folder takes a dropped file.

The upload only stores: each file becomes one contact per document (a batch with separator
sheets is split by the scanner channel), committed with its bytes. Reading, classifying and
routing happen in the pipeline of `intake serve`; a file that cannot be read (corrupt,
encrypted, too many pixels) is quarantined there with its reason, like any other scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

from intake.app import App
from intake.channels.files import media_type_for
from intake.channels.items import Channel, Outcome, Received, SourceItem
from intake.channels.scan_batches import receive_scan
from intake.services.mailroom import require_mailroom
from intake.services.principal import Principal
from workflow.models import utcnow

# The scanner's file types; anything else is refused before it is stored.
UPLOAD_SUFFIXES = (".tif", ".tiff", ".pdf", ".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class UploadedFile:
    """One file of the upload form: its name as the browser sent it and its bytes, read up to
    one byte past the upload limit (so a larger file is known to be too big)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class UploadResult:
    filename: str
    outcome: Outcome
    contact_ids: tuple[int, ...] = ()
    reason: str = ""

    def describe(self) -> str:
        """One sentence for the person who uploaded the file."""
        ids = ", ".join(str(contact_id) for contact_id in self.contact_ids)
        if self.outcome is Outcome.REFUSED:
            return f"{self.filename} was refused: {self.reason}."
        if self.outcome is Outcome.DUPLICATE:
            return f"{self.filename} was received before (contact {ids}); not stored again."
        if len(self.contact_ids) > 1:
            return f"{self.filename} was split into {len(self.contact_ids)} contacts ({ids})."
        return f"{self.filename} is contact {ids}."


def upload_limit(app: App) -> int:
    return app.settings.scan_upload_max_bytes


def upload_scans(
    app: App, principal: Principal, files: Sequence[UploadedFile]
) -> list[UploadResult]:
    """Store every acceptable file as a scan; one result per file, in the order given."""
    require_mailroom(principal)
    return [_take(app, principal, file) for file in files]


def _take(app: App, principal: Principal, file: UploadedFile) -> UploadResult:
    name = plain_name(file.filename)
    refusal = _refusal(app, name, file.data)
    if refusal:
        return UploadResult(name or "(no name)", Outcome.REFUSED, reason=refusal)
    item = SourceItem(
        channel=Channel.SCAN,
        source=f"mailroom upload by {principal.username}: {name}",
        filename=name,
        data=file.data,
        received_at=utcnow(),
        media_type=media_type_for(PurePath(name), Channel.SCAN),
    )
    return _result(name, receive_scan(app, item))


def plain_name(filename: str) -> str:
    """The file's own name, whatever folder path a browser sent with it."""
    return PureWindowsPath(PurePath(filename.strip()).name).name


def _refusal(app: App, name: str, data: bytes) -> str:
    if not name:
        return "the file has no name, so its type is unknown"
    if PurePath(name).suffix.lower() not in UPLOAD_SUFFIXES:
        known = ", ".join(UPLOAD_SUFFIXES)
        return f"not a scan ('{PurePath(name).suffix or name}'; the station takes {known})"
    if not data:
        return "the file is empty"
    limit = upload_limit(app)
    if len(data) > limit:
        return f"larger than the upload limit of {limit / 1_000_000:.0f} MB (scan_upload_max_bytes)"
    return ""


def _result(name: str, received: list[Received]) -> UploadResult:
    ids = tuple(r.contact_id for r in received if r.contact_id is not None)
    stored = any(r.outcome is Outcome.STORED for r in received)
    return UploadResult(name, Outcome.STORED if stored else Outcome.DUPLICATE, ids)
