"""The duplicate index's finer check: the text and the facts two stories share, counted.

The sketch finds the candidates and tells copies, but its estimate of a small overlap is too
noisy to tell a rewrite (which shares the wire's facts and many of its sentences) from a story
sharing one background paragraph. Each story keeps a fixed sample of its shingles outside
quotations (`fingerprint.MARK_EVERY`, 16 bits of each) and, per sentence holding numbers, the
hash of those numbers and of its words: two stories' marks in common count the shingles they
share with no estimate of a Jaccard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from newsreader.fingerprint import MARK_EVERY


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
        rows: Sequence[int],
        facts_from: tuple[int, int] = (0, 0),
    ) -> list[tuple[int, int]]:
        """What a story shares with each of `rows`: shingles outside quotations, and facts.

        The first is estimated from the marks (MARK_EVERY shingles a mark), the second counts
        the story's sentences whose numbers a sentence of the other holds in other words; it
        is counted (else 0) only for a row sharing `facts_from[0]` shingles, or when both
        stories have `facts_from[1]` sentences with numbers.
        """
        if not rows:
            return []
        picked = np.array(rows, dtype=np.int64)
        ends = self.marks.ends[picked]
        starts = np.where(picked > 0, self.marks.ends[np.maximum(picked - 1, 0)], 0)
        lengths = ends - starts
        # All the rows' marks gathered at once, each labelled with its row's place in `rows`.
        total = int(lengths.sum())
        at = np.arange(total) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        theirs = self.marks.values[at]
        counts = np.zeros(len(rows), dtype=np.int64)
        if len(marks) and total:
            place = np.minimum(np.searchsorted(marks, theirs), len(marks) - 1)
            labels = np.repeat(np.arange(len(rows)), lengths)
            counts = np.bincount(labels[marks[place] == theirs], minlength=len(rows))
        mine = facts.tolist()
        fact_ends = self.facts.ends
        out = []
        for r, count in zip(rows, counts.tolist(), strict=True):
            reworded = 0
            held_count = int(fact_ends[r]) - (int(fact_ends[r - 1]) if r else 0)
            worth = (
                count * MARK_EVERY >= facts_from[0] or min(len(mine), held_count) >= facts_from[1]
            )
            held = self.facts.row(r).tolist() if mine and worth else []
            if held:
                same_numbers = {value >> 32 for value in held}
                kept = set(held)
                reworded = sum(
                    1 for value in mine if value >> 32 in same_numbers and value not in kept
                )
            out.append((count * MARK_EVERY, reworded))
        return out
