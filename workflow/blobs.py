"""A content-addressed file store for original bytes (emails, scans, attachments).

A blob lives at root/ab/<sha256>: 256 folders, made once. (Stores written before November 2026
put it one level deeper, at root/ab/cd/<sha256>; those blobs are still found there, and new
ones go to the shorter path. A new folder per blob was most of the cost of storing a mail
batch in a young store.) Writes go to a temporary file in the same folder, are synced to disk
and then renamed into place, so a reader never sees half a blob and a crash leaves at most a
stray temporary file, never a wrong one.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
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
        self._folders: set[Path] = set()

    def path(self, sha: str) -> Path:
        """Where the blob `sha` is stored, or would be: an older store's deeper path when the
        blob is only there (so readers and erasure find it), else the current one."""
        target = self._target(sha)
        if not target.is_file():
            legacy = self.root / sha[:2] / sha[2:4] / sha
            if legacy.is_file():
                return legacy
        return target

    def _target(self, sha: str) -> Path:
        if not _SHA256_HEX.match(sha):
            raise ValueError(f"not a SHA-256 hex digest (64 lower-case hex characters): {sha!r}")
        return self.root / sha[:2] / sha

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        """Store `data` and return its SHA-256; storing the same bytes again writes nothing."""
        sha = hashlib.sha256(data).hexdigest()
        if self._holds(sha):
            return sha
        target = self._target(sha)
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            # A new fan-out folder must be durable too, or the renamed blob could vanish with it.
            _fsync_directory(self.root)
        _write_atomically(target, data)
        _fsync_directory(target.parent)
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
            if self._holds(sha):
                continue
            target = self._target(sha)
            self._make_folder(target.parent)
            _write_atomically(target, data, sync=False)
        if shas:
            _syncfs(self.root)
        return shas

    def _holds(self, sha: str) -> bool:
        # A damaged copy counts as missing, so a repeat put also heals the store. Plain
        # strings and one stat per place: this runs for every blob of every mail batch.
        root = str(self.root)
        for located in (f"{root}/{sha[:2]}/{sha}", f"{root}/{sha[:2]}/{sha[2:4]}/{sha}"):
            if os.path.isfile(located):
                return _sha256_of_file(Path(located)) == sha
        return False

    def _make_folder(self, folder: Path) -> None:
        # Fan-out folders are never removed, so one that was there stays there.
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)

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
    # The name is this process's and thread's own; a stray one from a crash is overwritten.
    temp = target.with_name(f"{_TEMP_PREFIX}{target.name}-{os.getpid()}-{threading.get_ident()}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            # Readable by the other services whatever the umask, as the folder around it.
            os.fchmod(fd, 0o644)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


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
