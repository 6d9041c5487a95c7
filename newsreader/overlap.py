"""The duplicate index's finer check: the text and the facts two stories share, counted.

The sketch finds the candidates and tells near-copies, but its estimate of a small overlap is
too noisy to tell a trimmed copy or a rewrite (which shares the wire's facts and many of its
sentences) from a story sharing one background paragraph. Each story keeps a fixed sample of
its shingles outside quotations (`fingerprint.MARK_EVERY`, 16 bits of each) and, per sentence
holding numbers, the hash of those numbers and of its words: two stories' marks in common
count the shingles they share with no estimate of a Jaccard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# A mark or fact two stories share is common text when this many other stories told so far
# (among the story's candidates) hold it too.
COMMON_OTHERS = 1


class Ragged:
    """Rows of different lengths end to end in one array, with where each row ends."""

    def __init__(self, dtype: type[np.unsignedinteger[Any]]) -> None:
        self.values: npt.NDArray[Any] = np.zeros(0, dtype=dtype)
        self.ends = np.zeros(0, dtype=np.int64)
        self.rows = 0

    @classmethod
    def restore(cls, values: npt.NDArray[Any], ends: npt.NDArray[np.int64]) -> Ragged:
        """Rows as `arrays` gave them; ValueError if the ends do not fit the values."""
        if ends.dtype != np.int64 or ends.ndim != 1:
            raise ValueError("row ends are not a list of offsets")
        if (len(ends) and (ends[-1] != len(values) or ends[0] < 0)) or (np.diff(ends) < 0).any():
            raise ValueError("row ends do not fit their values")
        ragged = cls(values.dtype.type)
        ragged.values, ragged.ends, ragged.rows = values, ends, len(ends)
        return ragged

    def append(self, row: npt.NDArray[Any]) -> None:
        """Add a row after the last."""
        start = int(self.ends[self.rows - 1]) if self.rows else 0
        end = start + len(row)
        if end > len(self.values):
            grow = max(4096, end - len(self.values), len(self.values) // 2)
            self.values = _grown(self.values, grow)
        if self.rows == len(self.ends):
            self.ends = _grown(self.ends, max(1024, self.rows // 8))
        self.values[start:end] = row
        self.ends[self.rows] = end
        self.rows += 1

    def row(self, r: int) -> npt.NDArray[Any]:
        """Row `r`'s values (a view)."""
        return self.values[int(self.ends[r - 1]) if r else 0 : int(self.ends[r])]

    def arrays(self) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
        """The values and row ends, trimmed, as a file keeps them."""
        ends = self.ends[: self.rows]
        return self.values[: int(ends[-1]) if self.rows else 0], ends


def _grown(a: npt.NDArray[Any], extra: int) -> npt.NDArray[Any]:
    bigger = np.zeros(len(a) + extra, dtype=a.dtype)
    bigger[: len(a)] = a
    return bigger


class Overlap:
    """Each indexed story's marks and facts."""

    def __init__(self) -> None:
        self.marks = Ragged(np.uint16)
        self.facts = Ragged(np.uint64)

    def add(self, marks: npt.NDArray[np.uint16], facts: npt.NDArray[np.uint64]) -> None:
        """Keep the next row's marks and facts."""
        self.marks.append(marks)
        self.facts.append(facts)

    def restore(self, marks: Ragged, facts: Ragged, rows: int) -> None:
        """Take the rows a file held."""
        if marks.rows != rows or facts.rows != rows:
            raise ValueError("marks or facts do not fit the stories")
        self.marks, self.facts = marks, facts

    def shared(
        self,
        marks: npt.NDArray[np.uint16],
        facts: npt.NDArray[np.uint64],
        rows: npt.NDArray[np.int64],
        told: npt.NDArray[np.bool_],
    ) -> Shared:
        """What a story shares with each of `rows`: its marks and reworded facts, and how many
        of its marks each row holds.

        A mark or a fact the story shares with a row is common when another of the `told` rows
        holds it too (COMMON_OTHERS): text that other stories also hold (a topic's background
        paragraph, a stock sentence) says nothing of these two. Only the rows at hand are
        asked, so what counts as common does not change with the size of the library.
        """
        count = len(rows)
        lengths = self.marks.ends[rows] - np.where(rows > 0, self.marks.ends[rows - 1], 0)
        rare = np.zeros(count, dtype=np.int64)
        common = np.zeros(count, dtype=np.int64)
        total = int(lengths.sum())
        if len(marks) and total:
            # All the rows' marks gathered at once, each labelled with its row's place in `rows`.
            starts = self.marks.ends[rows] - lengths
            at = np.arange(total) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            theirs = self.marks.values[at]
            place = np.minimum(np.searchsorted(marks, theirs), len(marks) - 1)
            labels = np.repeat(np.arange(count), lengths)
            hit = marks[place] == theirs
            # Each (row, mark of the story) once, though a row may hold a value twice.
            pairs = np.unique(labels[hit] * len(marks) + place[hit])
            labels, place = pairs // len(marks), pairs % len(marks)
            holders = np.bincount(place[told[labels]], minlength=len(marks))
            held_elsewhere = holders[place] - told[labels] >= COMMON_OTHERS
            rare = np.bincount(labels[~held_elsewhere], minlength=count)
            common = np.bincount(labels[held_elsewhere], minlength=count)
        return Shared(rare, common, lengths, self._reworded(facts, rows, told))

    def _reworded(
        self,
        facts: npt.NDArray[np.uint64],
        rows: npt.NDArray[np.int64],
        told: npt.NDArray[np.bool_],
    ) -> npt.NDArray[np.int64]:
        """Per row, the story's sentences whose numbers a sentence of the row holds in other
        words, and no other told row holds."""
        reworded = np.zeros(len(rows), dtype=np.int64)
        mine = facts.tolist()
        if not mine:
            return reworded
        numbers = [value >> 32 for value in mine]
        held: list[tuple[set[int], set[int]]] = []
        holders = [0] * len(mine)
        for r, is_told in zip(rows.tolist(), told.tolist(), strict=True):
            theirs = self.facts.row(r).tolist()
            same_numbers = {value >> 32 for value in theirs}
            held.append((same_numbers, set(theirs)))
            if is_told and same_numbers:
                for i, n in enumerate(numbers):
                    holders[i] += n in same_numbers
        for j, ((same_numbers, kept), is_told) in enumerate(zip(held, told.tolist(), strict=True)):
            if same_numbers:
                reworded[j] = sum(
                    1
                    for i, value in enumerate(mine)
                    if numbers[i] in same_numbers
                    and value not in kept
                    and holders[i] - is_told < COMMON_OTHERS
                )
        return reworded


@dataclass(frozen=True)
class Shared:
    """What a story shares with each candidate, one entry per candidate."""

    rare: npt.NDArray[np.int64]  # marks in common that no other told candidate holds
    common: npt.NDArray[np.int64]  # marks in common that another told candidate holds too
    marks: npt.NDArray[np.int64]  # the candidate's own marks
    reworded: npt.NDArray[np.int64]  # reworded facts no other told candidate holds
