"""The content-addressed blob store keeps original bytes safe and notices damage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from workflow.blobs import BlobCorruptError, BlobNotFoundError, BlobStore

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PHOTOTEST = SHARED_DATA / "ocr" / "tesseract" / "phototest.tif"


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def test_a_real_scan_round_trips_under_its_sha256(store: BlobStore) -> None:
    if not PHOTOTEST.is_file():
        pytest.skip(f"shared test data missing: {PHOTOTEST}")
    data = PHOTOTEST.read_bytes()
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha) == store.root / sha[:2] / sha
    assert store.exists(sha)
    assert store.get(sha) == data


def test_empty_content_is_a_blob_like_any_other(store: BlobStore) -> None:
    sha = store.put(b"")
    assert sha == hashlib.sha256(b"").hexdigest()
    assert store.get(sha) == b""


def test_putting_the_same_bytes_again_writes_nothing(store: BlobStore) -> None:
    sha = store.put(b"Reklamacja ORD-5531907")
    stat_before = store.path(sha).stat()
    assert store.put(b"Reklamacja ORD-5531907") == sha
    stat_after = store.path(sha).stat()
    assert (stat_after.st_ino, stat_after.st_mtime_ns) == (
        stat_before.st_ino,
        stat_before.st_mtime_ns,
    )
    assert [p.name for p in store.root.rglob("*") if p.is_file()] == [sha]


def test_different_bytes_get_different_blobs(store: BlobStore) -> None:
    first = store.put(b"invoice FV/2026/10/01234")
    second = store.put(b"invoice FV/2026/10/01235")
    assert first != second
    assert store.get(first) != store.get(second)


def test_a_corrupted_blob_is_detected_on_read(store: BlobStore) -> None:
    sha = store.put(b"Dear Vistula, my parcel never arrived.")
    path = store.path(sha)
    damaged = bytearray(path.read_bytes())
    damaged[5] ^= 0x01
    path.write_bytes(bytes(damaged))
    with pytest.raises(BlobCorruptError, match=f"blob {sha} at .* is corrupt"):
        store.get(sha)


def test_putting_the_bytes_again_repairs_a_corrupted_blob(store: BlobStore) -> None:
    data = b"Dear Vistula, my parcel never arrived."
    sha = store.put(data)
    store.path(sha).write_bytes(b"garbage")
    assert store.put(data) == sha
    assert store.get(sha) == data


def test_a_missing_blob_is_a_clear_error(store: BlobStore) -> None:
    sha = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(sha)
    with pytest.raises(BlobNotFoundError, match=f"blob {sha} not found"):
        store.get(sha)


def test_a_malformed_hash_is_refused_before_touching_the_disk(store: BlobStore) -> None:
    for bad in ("abc", "../" + "a" * 61, "A" * 64, "g" * 64):
        with pytest.raises(ValueError, match="not a SHA-256 hex digest"):
            store.get(bad)


def test_no_temporary_files_are_left_behind(store: BlobStore) -> None:
    for i in range(20):
        store.put(f"contact {i}".encode())
    leftovers = [p for p in store.root.rglob(".tmp-*")]
    assert leftovers == []
    assert len([p for p in store.root.rglob("*") if p.is_file()]) == 20


def test_many_blobs_stored_at_once_read_back_and_repeat_harmlessly(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    blobs = [f"message {n}".encode() for n in range(50)] + [b"message 3"]
    shas = store.put_many(blobs)
    assert shas == [hashlib.sha256(b).hexdigest() for b in blobs]
    assert [store.get(sha) for sha in shas] == blobs
    assert store.put_many(blobs) == shas
    leftovers = [p for p in (tmp_path / "blobs").rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_a_blob_of_an_older_store_two_folders_deep_is_still_found_and_not_stored_again(
    store: BlobStore,
) -> None:
    data = b"Skarga z 2025, zapisana w starym ukladzie"
    sha = hashlib.sha256(data).hexdigest()
    legacy = store.root / sha[:2] / sha[2:4] / sha
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(data)
    assert store.exists(sha)
    assert store.path(sha) == legacy
    assert store.get(sha) == data
    assert store.put_many([data, b"a new blob"])[0] == sha
    assert not (store.root / sha[:2] / sha).exists()
    assert store.put(data) == sha and not (store.root / sha[:2] / sha).exists()


def test_a_batch_of_blobs_makes_one_folder_per_leading_byte_not_one_per_blob(
    tmp_path: Path,
) -> None:
    store = BlobStore(tmp_path / "blobs")
    shas = store.put_many([f"message {n}".encode() for n in range(600)])
    folders = {p for p in store.root.rglob("*") if p.is_dir()}
    assert folders == {store.root / sha[:2] for sha in shas}
    assert len(folders) <= 256
