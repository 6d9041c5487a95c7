"""The duplicate index's columns: the saved segments' rows read from their files as mapped,
then the rows added since, held in memory.

A column is a list of parts, one per segment (read-only arrays, usually views of the mapped
file) and a growable tail. Rows are numbered across the parts in order; a lookup reads only
the rows it asks for, so the pages of the files it touches are few.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

import numpy as np
import numpy.typing as npt

_COUNT_ROWS = 16_384  # rows of sketches read at a time to count their values (4 MB)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def _grown(a: npt.NDArray[Any], extra: int) -> npt.NDArray[Any]:
    """`a` with `extra` more zero rows: in place if `a` owns its memory, else a copy."""
    shape = (len(a) + extra, *a.shape[1:])
    if a.flags.owndata and a.flags.writeable:
        # In place (realloc): no second copy in memory. No view of a tail outlives a call.
        a.resize(shape, refcheck=False)
        return a
    bigger = np.zeros(shape, dtype=a.dtype)
    bigger[: len(a)] = a
    return bigger


def _part_of(ends: list[int], rows: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Which part holds each row (len(ends) for the tail)."""
    return np.searchsorted(np.array(ends, dtype=np.int64), rows, side="right")


class Column:
    """One value (or one fixed-width row of values) per indexed story."""

    def __init__(self, dtype: type[Any], width: tuple[int, ...] = ()) -> None:
        self.parts: list[npt.NDArray[Any]] = []
        self.ends: list[int] = []  # the row after each part's last
        self._tail: npt.NDArray[Any] = np.zeros((0, *width), dtype=dtype)
        self._size = 0

    @property
    def base(self) -> int:
        """Rows held in parts (the tail's first row)."""
        return self.ends[-1] if self.ends else 0

    def __len__(self) -> int:
        return self.base + self._size

    def append(self, value: Any) -> None:
        """Add a row after the last."""
        if self._size == len(self._tail):
            self._tail = _grown(self._tail, max(1024, len(self) // 8))
        self._tail[self._size] = value
        self._size += 1

    def tail(self) -> npt.NDArray[Any]:
        """The rows added since the last part (a view)."""
        return self._tail[: self._size]

    def __getitem__(self, row: int) -> Any:
        base = self.base
        if row >= base:
            return self._tail[row - base]
        p = bisect_right(self.ends, row)
        return self.parts[p][row - (self.ends[p - 1] if p else 0)]

    def take(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        """The values of `rows`, in their order."""
        if not self.parts:
            return self._tail[rows]
        starts = [0, *self.ends]
        if len(rows) and bool((rows[1:] >= rows[:-1]).all()):  # sorted: a slice per part
            cuts = np.searchsorted(rows, starts[1:]).tolist()
            pieces = []
            for p, (low, high) in enumerate(zip([0, *cuts], [*cuts, len(rows)], strict=True)):
                if high > low:
                    source = self.parts[p] if p < len(self.parts) else self._tail
                    pieces.append(source[rows[low:high] - starts[p]])
            return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
        which = _part_of(self.ends, rows)
        out = np.empty((len(rows), *self._tail.shape[1:]), dtype=self._tail.dtype)
        for p in np.unique(which).tolist():
            chosen = which == p
            source = self.parts[p] if p < len(self.parts) else self._tail
            out[chosen] = source[rows[chosen] - starts[p]]
        return out

    def since(self, start: int) -> npt.NDArray[Any]:
        """Rows `start:` as one array; `start` is where a part begins, or the tail."""
        pieces = [part for part, end in zip(self.parts, self.ends, strict=True) if end > start]
        return np.concatenate([*pieces, self.tail()]) if pieces else self.tail().copy()

    def replace_from(self, start: int, part: npt.NDArray[Any]) -> None:
        """Rows `start:` are now `part` (a segment just written): the tail is emptied."""
        kept = [end <= start for end in self.ends]
        self.parts = [p for p, keep in zip(self.parts, kept, strict=True) if keep]
        self.ends = [e for e, keep in zip(self.ends, kept, strict=True) if keep]
        if len(part):
            self.parts.append(part)
            self.ends.append(start + len(part))
        self._tail = np.zeros((0, *self._tail.shape[1:]), dtype=self._tail.dtype)
        self._size = 0


class RaggedColumn:
    """Rows of different lengths: per part the values end to end and where each row ends."""

    def __init__(self, dtype: type[np.unsignedinteger[Any]]) -> None:
        self.value_parts: list[npt.NDArray[Any]] = []  # one segment's values each
        self.ends = Column(np.int64)  # each row's end within its own part's values
        self._values: npt.NDArray[Any] = np.zeros(0, dtype=dtype)  # the tail's
        self._used = 0

    @property
    def rows(self) -> int:
        """How many rows there are."""
        return len(self.ends)

    def append(self, row: npt.NDArray[Any]) -> None:
        """Add a row after the last."""
        end = self._used + len(row)
        if end > len(self._values):
            grow = max(4096, end - len(self._values), len(self._values) // 2)
            self._values = _grown(self._values, grow)
        self._values[self._used : end] = row
        self._used = end
        self.ends.append(end)

    def _part(self, p: int) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
        if p == len(self.value_parts):
            return self._values[: self._used], self.ends.tail()
        return self.value_parts[p], self.ends.parts[p]

    def row(self, r: int) -> npt.NDArray[Any]:
        """Row `r`'s values (a view)."""
        p = bisect_right(self.ends.ends, r)
        values, ends = self._part(p)
        local = r - ([0, *self.ends.ends])[p]
        return values[int(ends[local - 1]) if local else 0 : int(ends[local])]

    def gather(self, rows: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
        """Each of `rows`' length and all their values end to end, in the order of `rows`."""
        if not self.value_parts:  # all in memory: one part
            return self._gathered(self._values, self.ends.tail(), rows)
        starts = [0, *self.ends.ends]
        if len(rows) and bool((rows[1:] >= rows[:-1]).all()):  # sorted: a slice per part
            cuts = np.searchsorted(rows, starts[1:]).tolist()
            lengths_of, values_of = [], []
            for p, (low, high) in enumerate(zip([0, *cuts], [*cuts, len(rows)], strict=True)):
                if high > low:
                    values, ends = self._part(p)
                    count, found = self._gathered(values, ends, rows[low:high] - starts[p])
                    lengths_of.append(count)
                    values_of.append(found)
            return np.concatenate(lengths_of), np.concatenate(values_of)
        lengths = np.zeros(len(rows), dtype=np.int64)
        pieces: list[tuple[npt.NDArray[np.intp], npt.NDArray[Any]]] = []
        which = _part_of(self.ends.ends, rows)
        for p in np.unique(which).tolist():
            chosen = np.flatnonzero(which == p)
            values, ends = self._part(p)
            lengths[chosen], found = self._gathered(values, ends, rows[chosen] - starts[p])
            pieces.append((chosen, found))
        if not pieces:
            return lengths, self._values[:0].copy()
        joined = np.concatenate([v for _, v in pieces])
        order = np.concatenate([chosen for chosen, _ in pieces])
        if (np.diff(order) > 0).all():
            return lengths, joined
        # Rows out of part order: put the values back in the order of `rows`.
        ordered_lengths = lengths[order]
        start_of = np.empty(len(rows), dtype=np.int64)
        start_of[order] = np.cumsum(ordered_lengths) - ordered_lengths
        at = np.arange(int(lengths.sum())) + np.repeat(
            start_of - (np.cumsum(lengths) - lengths), lengths
        )
        return lengths, joined[at]

    @staticmethod
    def _gathered(
        values: npt.NDArray[Any], ends: npt.NDArray[np.int64], local: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
        """The lengths and values end to end of one part's rows `local`."""
        stop = ends[local]
        begin = np.where(local > 0, ends[np.maximum(local - 1, 0)], 0)
        count = stop - begin
        at = np.arange(int(count.sum())) + np.repeat(begin - (np.cumsum(count) - count), count)
        return count, values[at]

    def since(self, start: int) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
        """Rows `start:`'s values and row ends, as one segment's file keeps them."""
        starts = [0, *self.ends.ends]
        value_parts, end_parts, offset = [], [], 0
        for p in range(len(self.value_parts) + 1):
            if starts[p] >= start:
                values, ends = self._part(p)
                value_parts.append(values)
                end_parts.append(ends + offset)
                offset += len(values)
        return np.concatenate(value_parts), np.concatenate(end_parts)

    def replace_from(
        self, start: int, values: npt.NDArray[Any], ends: npt.NDArray[np.int64]
    ) -> None:
        """Rows `start:` are now the segment `values`, `ends`; ValueError if they do not fit."""
        if ends.dtype != np.int64 or ends.ndim != 1:
            raise ValueError("row ends are not a list of offsets")
        if (len(ends) and (ends[-1] != len(values) or ends[0] < 0)) or (np.diff(ends) < 0).any():
            raise ValueError("row ends do not fit their values")
        kept = sum(end <= start for end in self.ends.ends)
        self.value_parts = self.value_parts[:kept] + ([values] if len(ends) else [])
        self.ends.replace_from(start, ends)
        self._values = self._values[:0].copy()
        self._used = 0


def string_keys(ids: npt.NDArray[np.str_]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each string (FNV-1a over its characters), whatever the array's width."""
    keys = np.full(len(ids), _FNV_OFFSET, dtype=np.uint64)
    if not len(ids) or ids.itemsize == 0:
        return keys
    codes = np.ascontiguousarray(ids).view(np.uint32).reshape(len(ids), -1)
    for column in range(codes.shape[1]):
        code = codes[:, column].astype(np.uint64)
        mixed = (keys ^ code) * _FNV_PRIME
        keys = np.where(code != 0, mixed, keys)  # the padding of a narrower string counts not
    return keys


def string_key(text: str) -> int:
    """`string_keys` of one string, without numpy (a lookup's hot path)."""
    key = 0xCBF29CE484222325
    for char in text:
        if char != "\0":
            key = ((key ^ ord(char)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return key


class Lookup:
    """Rows by a 64-bit key: the segments' keys sorted in one table, the tail in a dict."""

    def __init__(self) -> None:
        self._keys = np.zeros(0, dtype=np.uint64)
        self._rows = np.zeros(0, dtype=np.uint32)  # ascending where keys are equal
        self._tail: dict[int, list[int]] = {}

    def add(self, key: int, row: int) -> None:
        """Row `row` (after every row before it) has `key`."""
        self._tail.setdefault(key, []).append(row)

    def rows(self, key: int) -> list[int]:
        """The rows with `key`, ascending."""
        found: list[int] = []
        at = int(np.searchsorted(self._keys, np.uint64(key)))
        while at < len(self._keys) and int(self._keys[at]) == key:
            found.append(int(self._rows[at]))
            at += 1
        tail = self._tail.get(key)
        return found + tail if tail else found

    def replace_from(
        self, start: int, keys: npt.NDArray[np.uint64], skip_zero: bool = False
    ) -> None:
        """Rows `start:` are a segment whose rows have `keys` (0 left out with `skip_zero`)."""
        kept = self._rows < start
        rows = np.arange(start, start + len(keys), dtype=np.uint32)
        if skip_zero:
            rows, keys = rows[keys != 0], keys[keys != 0]
        all_keys = np.concatenate([self._keys[kept], keys])
        # Stable: rows of one key stay ascending (the new ones come after the kept ones).
        order = np.argsort(all_keys, kind="stable")
        self._keys = all_keys[order]
        self._rows = np.concatenate([self._rows[kept], rows])[order]
        self._tail = {}


def count_values(
    sketches: npt.NDArray[np.uint16], chosen: npt.NDArray[np.bool_], counts: npt.NDArray[np.uint16]
) -> None:
    """Add to `counts` (flat, position-major: 65,536 slots per position, saturating) how many
    `chosen` rows hold each value at each position, a few thousand rows at a time."""
    for first in range(0, len(sketches), _COUNT_ROWS):
        block = sketches[first : first + _COUNT_ROWS][chosen[first : first + _COUNT_ROWS]]
        for column in range(sketches.shape[1]):
            found = np.bincount(block[:, column], minlength=1 << 16)
            slot = counts[column << 16 : (column + 1) << 16]
            slot[:] = np.minimum(slot + found, 0xFFFF)
