"""Durable files for the library: atomic JSON storage for TinyDB, locks (and the append log)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

# The log and its checks need no TinyDB: the app appends marks before the library is open.
from newsreader.append_log import FILE_MODE as FILE_MODE
from newsreader.append_log import AppendLog as AppendLog
from newsreader.append_log import refuses_writes as refuses_writes
from newsreader.errors import DamagedLibrary, LibraryError

FOLDER_MODE = 0o700


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and parents) readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    with contextlib.suppress(OSError):
        folder.chmod(FOLDER_MODE)


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so that a rename in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once: temp file, fsync, rename, fsync the folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(error, OSError) and not error.filename:
            error.filename = str(path)  # so that the user is told which file
        raise
    fsync_folder(path.parent)


def read_json(path: Path) -> Any:
    """Parse a JSON file, raising DamagedLibrary that names the file when it is damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LibraryError(f"{path}: cannot be read ({error.strerror})") from error
    if not raw.strip():
        raise DamagedLibrary(path, "the file is empty (damaged library file)")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise DamagedLibrary(path, f"damaged JSON ({error})") from error


def check_tables(data: Any, path: Path) -> dict[str, Any]:
    """Return `data` if it has TinyDB's shape (tables of documents), else raise DamagedLibrary.

    Valid JSON of another shape would otherwise surface as a TypeError deep inside TinyDB.
    """
    if not isinstance(data, dict):
        raise DamagedLibrary(path, "not a newsreader library file")
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise DamagedLibrary(path, f"table {name!r} is not a table of documents")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage that never overwrites in place and re-reads only when the file changed.

    TinyDB's own JSONStorage truncates and rewrites the file: a crash mid-write loses the
    library. This one writes a temp file and renames it. Reads are cached by the file's
    identity (inode, size, mtime) because TinyDB reads the whole file on every operation.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._cache: dict[str, Any] | None = None
        self._stamp: tuple[int, int, int] | None = None

    def stamp(self) -> tuple[int, int, int] | None:
        """The file's identity now (inode, size, mtime), or None when it does not exist."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def read(self) -> dict[str, Any] | None:
        """Return the file's data, parsing it again only when another write replaced it."""
        stamp = self.stamp()
        if stamp is None:
            self._cache, self._stamp = None, None
            return None
        if self._cache is None or stamp != self._stamp:
            raw = read_json(self.path)
            if raw is None:  # removed between the look and the read
                self._cache, self._stamp = None, None
                return None
            self._cache, self._stamp = check_tables(raw, self.path), stamp
        return self._cache

    @property
    def read_stamp(self) -> tuple[int, int, int] | None:
        """The identity the file had when the data `read` returns was read from it.

        Taken before the read: if another process replaced the file meanwhile, the next
        look sees a different identity and reads again, rather than missing the change.
        """
        return self._stamp

    def write(self, data: dict[str, Any]) -> None:
        """Write all of `data` atomically and durably."""
        try:
            write_atomic(self.path, orjson.dumps(data))
        except BaseException:
            self._cache, self._stamp = None, None
            raise
        self._cache, self._stamp = data, self.stamp()

    def close(self) -> None:
        """Forget the cached data."""
        self._cache, self._stamp = None, None


@contextlib.contextmanager
def locked(path: Path, shared: bool = False) -> Iterator[None]:
    """Hold an advisory lock on `path` (created 0600) for the duration of the block."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
