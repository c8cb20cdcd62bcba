"""A scanned batch with separator sheets becomes one contact per document, exactly once."""

from __future__ import annotations

import io
import os
import shutil
import signal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from sqlalchemy import func, select

from intake import pipeline
from intake.app import App, open_app
from intake.channels.hot_folder import collect
from intake.channels.ingest import ingest_paths
from intake.channels.items import Outcome
from ocr import split_batch_file
from samples.scan_batch import LAYOUT, write_batch
from tests.cli_runner import run_intake
from tests.conftest import SAMPLES, base_settings, need_tesseract
from workflow.models import Contact

pytestmark = pytest.mark.slow

TWO_PAGE_LETTER = SAMPLES / "scans" / "pl_billing_letter_01.tif"  # no separator, no blank page


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample batch, rendered afresh: 7 pages, 3 documents, 2 separators, 1 blank back."""
    return write_batch(tmp_path_factory.mktemp("batch") / "mailroom_batch_01.tif")


def _settled_copy(source: Path, inbox: Path) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    copy = Path(shutil.copy(source, inbox / source.name))
    old = copy.stat().st_mtime - 10
    os.utime(copy, (old, old))
    return copy


def _tiff_pages(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        return image.n_frames


def _batch_contacts(app: App) -> list[Contact]:
    with app.sessions() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id)).all()
        for contact in contacts:
            _ = contact.documents  # loaded while the session is open
        return list(contacts)


def test_the_batch_file_splits_into_one_file_per_document_without_separators_or_blanks(
    batch: Path,
) -> None:
    split = split_batch_file(batch.read_bytes(), "image/tiff")
    assert split.page_count == 7
    assert split.separator_pages == LAYOUT.separator_pages
    assert split.blank_pages == LAYOUT.blank_pages
    assert [part.batch_pages for part in split.parts] == [pages for _, pages in LAYOUT.documents]
    assert [_tiff_pages(part.data) for part in split.parts] == [1, 2, 1]


def test_a_scanned_pdf_batch_splits_into_pdfs_of_its_pages(batch: Path) -> None:
    with Image.open(batch) as image:
        pages = []
        for index in range(image.n_frames):
            image.seek(index)
            pages.append(image.convert("L"))
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=300.0)

    split = split_batch_file(buffer.getvalue(), "application/pdf")

    assert [part.batch_pages for part in split.parts] == [pages for _, pages in LAYOUT.documents]
    for part in split.parts:
        document = pdfium.PdfDocument(part.data)
        assert len(document) == len(part.batch_pages)
        document.close()


def test_a_batch_in_the_hot_folder_ends_as_three_contacts_with_their_pages(
    app: App, batch: Path
) -> None:
    need_tesseract()
    app.sync_organisation()
    inbox = app.settings.resolved_scanner_inbox
    _settled_copy(batch, inbox)

    received = collect(app, inbox, settle_seconds=1)

    assert [result.outcome for result in received] == [Outcome.STORED] * 3
    assert [path.name for path in (inbox / "done").iterdir()] == [batch.name]
    pipeline.process(app)
    contacts = _batch_contacts(app)
    assert len(contacts) == 3
    batch_sha = contacts[0].source_key.split(":")[2]
    for contact, (sample_id, pages) in zip(contacts, LAYOUT.documents, strict=True):
        roles = {document.role: document for document in contact.documents}
        original, archive, link = roles["original"], roles["archive"], roles["attachment"]
        assert original.page_count == len(pages), sample_id
        assert _tiff_pages(app.blobs.get(original.blob_sha256)) == len(pages)
        # Each document has its own searchable PDF with just its pages.
        pdf = pdfium.PdfDocument(app.blobs.get(archive.blob_sha256))
        assert len(pdf) == len(pages)
        pdf.close()
        # The whole batch stays reachable from every document, stored once.
        assert link.blob_sha256 == batch_sha and link.filename == batch.name
        assert app.blobs.get(link.blob_sha256) == batch.read_bytes()
        assert "blank pages dropped: page 2" in link.note
        assert contact.status != "quarantined", contact.quarantine_reason
    letter, claim, coupon = contacts
    assert "complaint" in letter.text.lower()
    assert "lodówk" in claim.text.lower()  # the Polish claim is about a fridge, on both pages
    assert coupon.form == "coupon_en"


def test_the_same_batch_again_is_recognised_by_its_hash_and_not_split_twice(
    app: App, batch: Path, tmp_path: Path
) -> None:
    first = ingest_paths(app, [batch])
    renamed = Path(shutil.copy(batch, tmp_path / "rescanned-name.tif"))
    again = ingest_paths(app, [renamed])

    assert [result.outcome for result in first] == [Outcome.STORED] * 3
    assert [result.outcome for result in again] == [Outcome.DUPLICATE] * 3
    assert [r.contact_id for r in again] == [r.contact_id for r in first]
    assert len(_batch_contacts(app)) == 3


def test_blank_pages_stay_when_the_setting_says_so(batch: Path, tmp_path: Path) -> None:
    app = open_app(base_settings(tmp_path / "var", scan_drop_blank_pages=False))
    try:
        ingest_paths(app, [batch])
        first = _batch_contacts(app)[0]
        original = next(d for d in first.documents if d.role == "original")
        assert _tiff_pages(app.blobs.get(original.blob_sha256)) == 2  # the letter and its back
    finally:
        app.close()


def test_a_multi_page_scan_without_separators_stays_one_contact_with_its_own_file(
    app: App,
) -> None:
    (received,) = ingest_paths(app, [TWO_PAGE_LETTER])

    assert received.outcome is Outcome.STORED
    (contact,) = _batch_contacts(app)
    (original,) = contact.documents
    assert original.blob_sha256 == contact.sha256
    assert app.blobs.get(original.blob_sha256) == TWO_PAGE_LETTER.read_bytes()


def test_a_batch_is_committed_whole_or_not_at_all_when_the_process_is_killed(
    batch: Path, tmp_path: Path
) -> None:
    home = tmp_path / "var"
    inbox = home / "inbox" / "scanner"
    _settled_copy(batch, inbox)

    killed = run_intake(home, "fetch", INTAKE_FAILPOINT="receive.before_commit:1")
    assert killed.returncode == -signal.SIGKILL
    assert _contact_count(home) == 0
    assert (inbox / batch.name).exists()  # still waiting in the hot folder

    again = run_intake(home, "fetch")
    assert again.returncode == 0, again.stderr
    assert _contact_count(home) == 3
    assert [path.name for path in (inbox / "done").iterdir()] == [batch.name]


def _contact_count(home: Path) -> int:
    app = open_app(base_settings(home))
    try:
        with app.sessions() as session:
            return session.scalar(select(func.count()).select_from(Contact)) or 0
    finally:
        app.close()
