"""Channels take a file once, and a drop-folder file stays until its contact is committed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import func, select

from intake.app import App
from intake.channels.hot_folder import collect, prepare_maildir
from intake.channels.ingest import ingest_paths
from intake.channels.items import Outcome
from tests.conftest import SHARED_DATA
from workflow.models import Contact, Document

MIME = SHARED_DATA / "mime"


def _settle(path: Path) -> None:
    old = path.stat().st_mtime - 10
    os.utime(path, (old, old))


def _contacts(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Contact)) or 0


def test_the_same_file_is_not_ingested_twice_even_under_another_name(
    app: App, tmp_path: Path
) -> None:
    first = tmp_path / "a.eml"
    shutil.copy(MIME / "cpython__msg_02.txt", first)
    second = tmp_path / "copy-of-a.eml"
    shutil.copy(first, second)
    results = ingest_paths(app, [first, second])
    assert [r.outcome for r in results] == [Outcome.STORED, Outcome.DUPLICATE]
    assert results[1].contact_id == results[0].contact_id
    assert _contacts(app) == 1


def test_the_original_bytes_are_kept_in_the_blob_store(app: App, tmp_path: Path) -> None:
    path = tmp_path / "letter.tif"
    shutil.copy(SHARED_DATA / "ocr" / "tesseract" / "phototest.tif", path)
    ingest_paths(app, [path])
    with app.sessions() as session:
        document = session.scalars(select(Document)).one()
    assert app.blobs.get(document.blob_sha256) == path.read_bytes()
    assert (document.filename, document.media_type) == ("letter.tif", "image/tiff")


def test_a_file_of_an_unknown_type_is_refused_with_the_reason(app: App, tmp_path: Path) -> None:
    path = tmp_path / "minutes.docx"
    path.write_bytes(b"PK\x03\x04 not for us")
    (result,) = ingest_paths(app, [path])
    assert result.outcome is Outcome.REFUSED
    assert "unsupported file type '.docx'" in result.reason
    assert _contacts(app) == 0


def test_hot_folder_moves_taken_files_to_done_and_refused_ones_to_failed(
    app: App, tmp_path: Path
) -> None:
    inbox = tmp_path / "scanner"
    inbox.mkdir()
    shutil.copy(SHARED_DATA / "ocr" / "tesseract" / "phototest.tif", inbox / "batch-1.tif")
    (inbox / "notes.txt").write_text("left by mistake")
    for path in inbox.iterdir():
        _settle(path)

    results = collect(app, inbox)
    assert sorted(r.outcome for r in results) == [Outcome.REFUSED, Outcome.STORED]
    assert [p.name for p in (inbox / "done").iterdir()] == ["batch-1.tif"]
    failed = sorted(p.name for p in (inbox / "failed").iterdir())
    assert failed == ["notes.txt", "notes.txt.reason.txt"]
    assert "unsupported file type" in (inbox / "failed" / "notes.txt.reason.txt").read_text()
    assert [p.name for p in inbox.iterdir() if p.is_file()] == []


def test_hot_folder_leaves_a_file_that_is_still_being_written(app: App, tmp_path: Path) -> None:
    inbox = tmp_path / "scanner"
    inbox.mkdir()
    (inbox / "arriving.tif").write_bytes(b"II*\x00")
    assert collect(app, inbox, settle_seconds=30) == []
    assert (inbox / "arriving.tif").exists()


def test_a_maildir_is_read_from_new_and_cur(app: App, tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    prepare_maildir(maildir)
    shutil.copy(MIME / "cpython__msg_01.txt", maildir / "new" / "1700000000.M1P1.host")
    shutil.copy(MIME / "cpython__msg_03.txt", maildir / "cur" / "1700000001.M2P1.host:2,S")
    for path in [*maildir.glob("new/*"), *maildir.glob("cur/*")]:
        _settle(path)
    results = collect(app, maildir)
    assert [r.outcome for r in results] == [Outcome.STORED, Outcome.STORED]
    with app.sessions() as session:
        channels = session.scalars(select(Contact.channel)).all()
    assert channels == ["email", "email"]
    assert list((maildir / "new").iterdir()) == []
