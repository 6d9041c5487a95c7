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
    encoded = [text.encode() for text in texts]
    return np.array(encoded, dtype=np.bytes_) if encoded else np.zeros(0, "S1")


def joined(columns: Sequence[Bytes]) -> Bytes:
    """The columns one after the other, as wide as the widest."""
    width = max((c.dtype.itemsize for c in columns), default=1)
    return np.concatenate([np.zeros(0, f"S{width}"), *(c.astype(f"S{width}") for c in columns)])


def words(values: Bytes) -> list[npt.NDArray[np.uint64]]:
    """The column as big-endian 64-bit words, most significant first: comparing them in turn
    compares the strings (a shorter string, padded with NULs, sorts before its extensions)."""
    width = -(-max(values.dtype.itemsize, 1) // 8) * 8
    padded = np.ascontiguousarray(values.astype(f"S{width}"))
    grid = padded.view(">u8").reshape(len(values), width // 8)
    return [grid[:, number].astype(np.uint64) for number in range(width // 8)]


def byte_order(values: Bytes) -> Ints:
    """The stable order that sorts the column."""
    return np.lexsort(words(values)[::-1]).astype(np.int64)


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


class Positions(Mapping[str, int]):
    """Where each string of a column is (the last place, for one found twice), by binary
    search in the column's byte order: no dict of a million entries."""

    def __init__(self, values: Bytes) -> None:
        order = byte_order(values)
        # Of equal strings the last place wins, as a dict built in order would have it.
        self._sorted = values[order]
        self._order = order
        self._values = values
        if len(order) > 1:
            last = np.append(self._sorted[1:] != self._sorted[:-1], True)
            self._sorted, self._order = self._sorted[last], order[last]

    def locate(self, keys: Bytes) -> Ints:
        """The place of each key, -1 for a key not in the column."""
        if not len(self._sorted) or not len(keys):
            return np.full(len(keys), -1, np.int64)
        at = np.searchsorted(self._sorted, keys)
        at = np.minimum(at, len(self._sorted) - 1)
        found = self._sorted[at] == keys
        return np.where(found, self._order[at], -1)

    def get(self, key: str, default: Any = None) -> Any:
        """The place of `key`, or `default`."""
        try:
            return self[key]
        except KeyError:
            return default

    def __getitem__(self, key: str) -> int:
        if not isinstance(key, str) or not len(self._sorted):
            raise KeyError(key)
        wanted = key.encode()
        if len(wanted) > self._sorted.dtype.itemsize or wanted.endswith(b"\0"):
            raise KeyError(key)
        at = int(np.searchsorted(self._sorted, wanted))
        if at < len(self._sorted) and self._sorted[at] == wanted:
            return int(self._order[at])
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        for value in self._values[np.sort(self._order)].tolist():
            yield value.decode()

    def __len__(self) -> int:
        return len(self._order)
