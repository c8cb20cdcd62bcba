"""A content-addressed file store for original bytes (emails, scans, attachments).

A blob lives at root/ab/cd/<sha256>. Writes go to a temporary file in the same folder, are synced
to disk and then renamed into place, so a reader never sees half a blob and a crash leaves at most
a stray temporary file, never a wrong one.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_TEMP_PREFIX = ".tmp-"


class BlobError(Exception):
    """A blob cannot be read or written."""


class BlobNotFoundError(BlobError):
    """No blob is stored under the requested hash."""


class BlobCorruptError(BlobError):
    """The stored bytes no longer hash to the blob's name."""


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        """Where the blob `sha` is (or would be) stored."""
        if not _SHA256_HEX.match(sha):
            raise ValueError(f"not a SHA-256 hex digest (64 lower-case hex characters): {sha!r}")
        return self.root / sha[:2] / sha[2:4] / sha

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        """Store `data` and return its SHA-256; storing the same bytes again writes nothing."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        # A damaged copy is replaced rather than kept, so a repeat put also heals the store.
        if target.is_file() and _sha256_of_file(target) == sha:
            return sha
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            # New fan-out folders must be durable too, or the renamed blob could vanish with them.
            _fsync_directory(target.parent.parent)
            _fsync_directory(self.root)
        _write_atomically(target, data)
        return sha

    def put_many(self, blobs: Sequence[bytes]) -> list[str]:
        """Store many blobs with one flush to disk instead of two per blob.

        Each blob is written and renamed into place unsynced, then one `syncfs` makes every
        file and folder entry of the store's file system durable at once. That is what a mail
        batch needs: hundreds of small files, each fsync costing milliseconds. Where `syncfs`
        is not available, every blob is synced as `put` does.
        """
        if _syncfs is None or len(blobs) < 2:
            return [self.put(data) for data in blobs]
        shas: list[str] = []
        for data in blobs:
            sha = hashlib.sha256(data).hexdigest()
            shas.append(sha)
            target = self.path(sha)
            if target.is_file() and _sha256_of_file(target) == sha:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(target, data, sync=False)
        if shas:
            _syncfs(self.root)
        return shas

    def get(self, sha: str) -> bytes:
        """The bytes of blob `sha`, checked against their hash."""
        target = self.path(sha)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise BlobNotFoundError(f"blob {sha} not found (expected at {target})") from None
        except OSError as exc:
            raise BlobError(f"blob {sha} cannot be read from {target}: {exc.strerror}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha:
            raise BlobCorruptError(
                f"blob {sha} at {target} is corrupt: its {len(data)} bytes hash to {actual}"
            )
        return data


def _write_atomically(target: Path, data: bytes, *, sync: bool = True) -> None:
    fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        temp.chmod(0o644)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if sync:
        _fsync_directory(target.parent)


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX); platforms without directory fds skip it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_syncfs() -> Callable[[Path], None] | None:
    """Linux's syncfs(2): flush one file system (the store's), not every disk as sync(2) would."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError):
        return None

    def syncfs(folder: Path) -> None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if call(fd) != 0:
                error = ctypes.get_errno()
                raise BlobError(f"syncfs of {folder} failed: {os.strerror(error)}")
        finally:
            os.close(fd)

    return syncfs


_syncfs = _load_syncfs()
