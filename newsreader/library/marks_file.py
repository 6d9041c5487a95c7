"""marks.json read in pieces: half a million marks parsed in one call would hold Python's
lock for a second or more, and every key typed meanwhile (the app opens the library on a
thread) would wait for it.

The file is one TinyDB table written compactly by orjson: `{"_meta":…,"marks":{"1":{…},…}}`.
Its documents hold no objects, and the bytes `},"` never occur inside a JSON string (a quote
there is escaped), so the table is cut after a document's closing brace followed by the next
document's key, about every megabyte, and each piece parsed alone. A file of any other shape,
or a piece that does not parse, is read whole as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from newsreader.storage import AtomicJSONStorage, check_tables, read_json

PIECE_BYTES = 1 << 18  # a quarter of a megabyte: parsed in a few milliseconds
_TABLE = b'"marks":{'
_NEXT = re.compile(rb'\},"\d+":\{')  # the end of one document and the key of the next


class Snapshot(AtomicJSONStorage):
    """marks.json, read and written whole, its parsed data not kept: folded into the marks,
    it would only double what they hold (250 MB for 500,000 marks)."""

    def read(self) -> dict[str, Any] | None:
        """The file's data, parsed again at every call."""
        try:
            return super().read()
        finally:
            self._cache = None

    def write(self, data: dict[str, Any]) -> None:
        """Write all of `data` atomically and durably."""
        super().write(data)
        self._cache = None

    def documents(self) -> Iterator[dict[str, Any]]:
        """The documents of the `marks` table (none when there is no file), parsed a piece at
        a time as they are taken; `read_stamp` is at once the identity of the file read."""
        stamp = self.stamp()
        raw = read_json_bytes(self)
        self._stamp = None if raw is None else stamp
        return iter(()) if raw is None else self._taken(raw)

    def _taken(self, raw: bytes) -> Iterator[dict[str, Any]]:
        # A piece at a time: half a million documents freed at once would hold the lock too.
        try:
            yield from documents_in(raw)
        except (orjson.JSONDecodeError, ValueError, TypeError, AttributeError):
            # Damaged, or of another shape: read whole, as before (the documents taken
            # already are taken again, which changes nothing: the later mark wins).
            data = self.read() or {}
            yield from data.get("marks", {}).values()


def read_json_bytes(storage: AtomicJSONStorage) -> bytes | None:
    """The bytes of the storage's file; None when there is none."""
    try:
        return storage.path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        read_json(storage.path)  # raises the error naming the file
        raise


def documents_in(raw: bytes) -> Iterator[dict[str, Any]]:
    """Every document of the `marks` table in `raw`; ValueError when `raw` is not of the
    shape the pieces can be cut from."""
    start = raw.find(_TABLE)
    body = raw.rstrip()
    if start < 0 or not raw.startswith(b'{"_meta":') or not body.endswith(b"}}"):
        raise ValueError("not cut into pieces")
    at, end = start + len(_TABLE), len(body) - 2
    if raw.find(_TABLE, at) >= 0:
        raise ValueError("a second table of that name")
    while at < end:
        cut = _NEXT.search(raw, min(at + PIECE_BYTES, end), end)
        stop = cut.start() + 1 if cut is not None else end
        piece = orjson.loads(b"{" + raw[at:stop] + b"}")
        yield from check_tables({"marks": piece}, _NO_PATH)["marks"].values()
        at = stop + 1 if cut is not None else end


class _NoPath:
    """Stands for the file in an error that is never shown (a piece is read whole then)."""

    def __str__(self) -> str:
        return "marks.json"


_NO_PATH: Any = _NoPath()
