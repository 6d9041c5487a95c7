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

import numpy as np
import numpy.typing as npt

from newsreader.dedup_columns import RaggedColumn

# A mark or fact two stories share is common text when this many other stories told so far
# (among the story's candidates) hold it too.
COMMON_OTHERS = 1


class Overlap:
    """Each indexed story's marks and facts."""

    def __init__(self) -> None:
        self.marks = RaggedColumn(np.uint16)
        self.facts = RaggedColumn(np.uint64)

    def add(self, marks: npt.NDArray[np.uint16], facts: npt.NDArray[np.uint64]) -> None:
        """Keep the next row's marks and facts."""
        self.marks.append(marks)
        self.facts.append(facts)

    def replace_from(
        self,
        start: int,
        marks: tuple[npt.NDArray[np.uint16], npt.NDArray[np.int64]],
        facts: tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]],
    ) -> None:
        """Rows `start:` are a segment's: its marks and facts, each values and row ends."""
        self.marks.replace_from(start, *marks)
        self.facts.replace_from(start, *facts)

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
        lengths, theirs = self.marks.gather(rows)
        rare = np.zeros(count, dtype=np.int64)
        common = np.zeros(count, dtype=np.int64)
        total = int(lengths.sum())
        if len(marks) and total:
            # All the rows' marks at once, each labelled with its row's place in `rows`.
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
