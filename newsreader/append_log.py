"""The fsynced append log the library's marks go to, and whether a folder takes writes at all.

Apart from storage.py, which uses TinyDB: the app appends marks made on its first screen
before the library (and TinyDB) is loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

FILE_MODE = 0o600


class LogBusy(Exception):
    """The log is held by a write or a compaction (on a slow disk, for as long as its fsync)."""


def refuses_writes(folder: Path) -> bool:
    """Whether files in `folder` cannot be written: a read-only mount, or someone else's files."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False  # not there yet: it is made when first written
    return not os.access(folder, os.W_OK)


class AppendLog:
    """A file of JSON lines, each appended and fsynced under a lock before the call returns."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, records: list[dict[str, Any]]) -> None:
        """Append `records` as one durable write."""
        payload = b"".join(orjson.dumps(record) + b"\n" for record in records)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            # A crash mid-append leaves a torn line; start on a fresh line so that this
            # acknowledged record is not glued to the fragment and lost with it.
            if size and os.pread(fd, 1, size - 1) != b"\n":
                payload = b"\n" + payload
            try:
                view = memoryview(payload)
                while view:  # a nearly full disk may take part of it, then fail
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError:
                # Not durable, so not a mark: take it out, or a later read would revive it.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)
                raise
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def shared(self, wait: bool = True) -> Iterator[None]:
        """Hold off compaction (not readers) while the snapshot and the log are read together.

        With `wait` False, raise LogBusy at once rather than wait for a write that holds the
        log: the app's periodic look must never freeze the keys behind a slow fsync.
        """
        try:
            fd = os.open(self.path, os.O_RDONLY)  # a copy merged from may be read-only
        except FileNotFoundError:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            except OSError:
                # A read-only library without a log: there is nothing to hold off.
                yield
                return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH if wait else fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError as busy:
                raise LogBusy(str(self.path)) from busy
            yield
        finally:
            os.close(fd)

    def read_from(self, offset: int) -> tuple[list[dict[str, Any]], int]:
        """Return the whole records written at or after byte `offset`, and the offset after them.

        A torn last line (a crash mid-append) is left for later: it is never acknowledged.
        """
        try:
            with self.path.open("rb") as handle:
                handle.seek(offset)
                raw = handle.read()
        except FileNotFoundError:
            return [], 0
        end = raw.rfind(b"\n") + 1
        records = []
        for line in raw[:end].splitlines():
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records, offset + end

    def size(self) -> int:
        """Bytes in the log now (0 when it does not exist)."""
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def compact(self, fold: Callable[[list[dict[str, Any]]], None]) -> None:
        """Hand every record to `fold` (which must store them durably), then empty the log.

        The log stays locked throughout, so no append can fall between the read and the
        truncation and be lost.
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            records, _end = self.read_from(0)
            fold(records)
            os.ftruncate(fd, 0)
            os.fsync(fd)
        finally:
            os.close(fd)
