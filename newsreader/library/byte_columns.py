"""Strings as numpy byte columns: a million ids or dates without a Python object each.

A column is a fixed-width `S` array of UTF-8 (numpy pads with NULs, which no id, date or file
name holds). Each string is decoded when asked for. Byte order is code point order, so
sorting a column by its bytes — done here on big-endian 64-bit words, which numpy sorts
without holding Python's lock and many times faster than strings — sorts as `str` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

Bytes = npt.NDArray[np.bytes_]
Ints = npt.NDArray[np.int64]


def column(texts: Iterable[str]) -> Bytes:
    """The strings as one byte column (`S1` when there are none)."""
    listed = texts if isinstance(texts, list) else list(texts)
    if not listed:
        return np.zeros(0, "S1")
    widths = set(map(len, listed))
    if len(widths) == 1 and min(widths) > 0:
        # Ids are mostly of one length and ASCII: one encoding of them all, cut in equal
        # pieces, is several times faster than an array made of a bytes object each.
        whole = "".join(listed).encode()
        width = len(whole) // len(listed)
        if len(whole) == width * len(listed) == min(widths) * len(listed) and b"\0" not in whole:
            return np.frombuffer(whole, dtype=f"S{width}").copy()
    return np.array([text.encode() for text in listed], dtype=np.bytes_)


def column_in_pieces(texts: Iterable[str], size: int = 50_000) -> Bytes:
    """`column`, made `size` strings at a time: numpy holds Python's lock while it makes one
    (50 ms for 500,000 ids), and a thread making a long one lets the keys in between pieces."""
    pieces: list[Bytes] = []
    piece: list[str] = []
    for text in texts:
        piece.append(text)
        if len(piece) == size:
            pieces.append(column(piece))
            piece = []
    return joined([*pieces, column(piece)])


def joined(columns: Sequence[Bytes]) -> Bytes:
    """The columns one after the other, as wide as the widest."""
    width = max((c.dtype.itemsize for c in columns), default=1)
    out = np.zeros((sum(len(c) for c in columns), width), np.uint8)
    at = 0
    for values in columns:
        # Copied as bytes: numpy converts strings of one width to another holding Python's
        # lock, which the app's keys wait for, and copies bytes without it.
        out[at : at + len(values), : values.dtype.itemsize] = _grid(values)
        at += len(values)
    return out.view(f"S{width}").reshape(len(out))


def _grid(values: Bytes) -> npt.NDArray[np.uint8]:
    """The column's bytes, a row per string."""
    size = max(values.dtype.itemsize, 1)
    return np.ascontiguousarray(values).view(np.uint8).reshape(len(values), size)


def words(values: Bytes) -> list[npt.NDArray[np.uint64]]:
    """The column as big-endian 64-bit words, most significant first: comparing them in turn
    compares the strings (a shorter string, padded with NULs, sorts before its extensions)."""
    size = values.dtype.itemsize
    width = -(-max(size, 1) // 8) * 8
    padded = np.zeros((len(values), width), np.uint8)
    padded[:, :size] = _grid(values)
    grid = padded.view(">u8")
    return [grid[:, number].astype(np.uint64) for number in range(width // 8)]


def byte_order(values: Bytes) -> Ints:
    """The stable order that sorts the column."""
    return np.lexsort(words(values)[::-1]).astype(np.int64)


_ISO = b"0000-00-00T00:00:00Z"  # the shape of every time the importer stores (UTC)
_UNDATED = b"9999"  # what stands for no time, after every time


def time_keys(values: Bytes) -> list[npt.NDArray[np.uint64]]:
    """Sort keys of a column of ISO 8601 UTC times: one number each when every time has the
    importer's shape (or is "9999"), else the column's words (see `words`)."""
    if values.dtype.itemsize != len(_ISO) or not len(values):
        return words(values)
    grid = _grid(values)
    undated = values == _UNDATED
    digits = np.array([c == ord("0") for c in _ISO])
    shape = np.frombuffer(_ISO, np.uint8)
    fixed = (grid[:, ~digits] == shape[~digits]).all(axis=1)
    numeric = ((grid[:, digits] >= ord("0")) & (grid[:, digits] <= ord("9"))).all(axis=1)
    if not (undated | (fixed & numeric)).all():
        return words(values)
    number = np.zeros(len(values), np.uint64)
    for column_number in np.flatnonzero(digits).tolist():
        number = number * np.uint64(10) + (grid[:, column_number] - ord("0")).astype(np.uint64)
    number[undated] = np.iinfo(np.uint64).max
    return [number]


class Texts(Sequence[str]):
    """A byte column read as a sequence of str, each decoded when asked for."""

    def __init__(self, values: Bytes) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [value.decode() for value in self.values[index].tolist()]
        return bytes(self.values[index]).decode()

    def __iter__(self) -> Iterator[str]:
        for value in self.values.tolist():
            yield value.decode()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


_SORTED_FROM = 4096  # keys looked for at once from which `locate` sorts them first


class Positions(Mapping[str, int]):
    """Where each string of a column is (the last place, for one found twice), by binary
    search in the column's byte order: no dict of a million entries.

    Held: the places in byte order (32-bit) and the first eight bytes of each string as a
    number, searched much faster than strings; the strings are those of the column."""

    def __init__(self, values: Bytes, order: Ints | None = None) -> None:
        order = byte_order(values) if order is None else order
        self._values = values
        first = words(values[order])[0] if len(values) else np.zeros(0, np.uint64)
        if len(order) > 1:
            # Of equal strings the last place wins, as a dict built in order would have it.
            ahead = values[order]
            last = np.append(ahead[1:] != ahead[:-1], True)
            if not last.all():
                order, first = order[last], first[last]
        self._order = order.astype(np.int32)
        self._first = first

    def locate(self, keys: Bytes) -> Ints:
        """The place of each key, -1 for a key not in the column."""
        if not len(self._order) or not len(keys):
            return np.full(len(keys), -1, np.int64)
        first = words(keys)[0]
        at = np.minimum(self._search(first), len(self._order) - 1)
        places = self._order[at].astype(np.int64)
        found = self._values[places] == keys
        # Keys whose first eight bytes other strings share: looked for among all of those.
        for number in np.flatnonzero(~found & (self._first[at] == first)).tolist():
            places[number] = self._run(first[number], bytes(keys[number]))
            found[number] = places[number] >= 0
        return np.where(found, places, -1)

    def _search(self, first: npt.NDArray[np.uint64]) -> Ints:
        """Where each of `first` would go in the sorted first words."""
        if first.size < _SORTED_FROM:
            return np.searchsorted(self._first, first).astype(np.int64)
        # Many keys are looked for in order: each search then starts where the last ended,
        # in memory just read. Sorting them first and searching costs much less than
        # searching a million first words in random order (a sixth, measured at 1,000,000).
        order = np.argsort(first)
        at = np.empty(first.size, dtype=np.int64)
        at[order] = np.searchsorted(self._first, first[order])
        return at

    def _run(self, first: np.uint64, key: bytes) -> int:
        """The place of `key` among the strings whose first eight bytes are `first`; -1."""
        low = int(np.searchsorted(self._first, first, side="left"))
        high = int(np.searchsorted(self._first, first, side="right"))
        for place in self._order[low:high].tolist():
            if bytes(self._values[place]) == key:
                return int(place)
        return -1

    def get(self, key: str, default: Any = None) -> Any:
        """The place of `key`, or `default` (a few µs: callers with many keys use `locate`)."""
        if type(key) is not str:
            return default
        wanted = key.encode()
        if len(wanted) > self._values.dtype.itemsize or wanted.endswith(b"\0"):
            return default
        first = np.uint64(int.from_bytes(wanted[:8].ljust(8, b"\0"), "big"))
        firsts, at = self._first, int(self._first.searchsorted(first))
        while at < len(firsts) and firsts[at] == first:
            place = int(self._order[at])
            if self._values[place] == wanted:
                return place
            at += 1
        return default

    def __getitem__(self, key: str) -> int:
        place = self.get(key)
        if place is None:
            raise KeyError(key)
        return int(place)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        for value in self._values[np.sort(self._order)].tolist():
            yield value.decode()

    def __len__(self) -> int:
        return len(self._order)
