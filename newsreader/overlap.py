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

from newsreader.dedup_columns import RaggedColumn

# A mark or fact two stories share is common text when this many other stories told so far
# (among the story's candidates) hold it too.
COMMON_OTHERS = 1
# Shingles (outside quotations) a paragraph of ~120 words spans in a story.
WINDOW = 120
SENTENCE = 30  # and a sentence of ~24 words


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
        mark_at: npt.NDArray[np.uint32] | None = None,
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
        outside = np.zeros(count, dtype=np.int64)
        labels, place, held_elsewhere = _in_common(marks, lengths, theirs, told)
        if len(labels):
            rare = np.bincount(labels[~held_elsewhere], minlength=count)
            common = np.bincount(labels[held_elsewhere], minlength=count)
            if mark_at is not None and len(mark_at) == len(marks):
                own = ~held_elsewhere
                outside = _spread(labels[own], mark_at[place[own]], count)
        return Shared(rare, common, lengths, self._reworded(facts, rows, told), outside)

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


def _in_common(
    mine: npt.NDArray[Any],
    lengths: npt.NDArray[np.int64],
    theirs: npt.NDArray[Any],
    told: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The values of sorted `mine` that rows hold (`theirs`: each row's `lengths` values end
    to end): per (row, value) pair the row's place, the value's place in `mine`, and whether
    another of the `told` rows holds it too (COMMON_OTHERS)."""
    if not len(mine) or not len(theirs):
        none = np.zeros(0, dtype=np.int64)
        return none, none, np.zeros(0, dtype=np.bool_)
    # All the rows' values at once, each labelled with its row's place in `rows`.
    place = np.minimum(np.searchsorted(mine, theirs), len(mine) - 1)
    labels = np.repeat(np.arange(len(lengths)), lengths)
    hit = mine[place] == theirs
    # Each (row, value of mine) once, though a row may hold a value twice.
    pairs = np.unique(labels[hit] * len(mine) + place[hit])
    labels, place = pairs // len(mine), pairs % len(mine)
    holders = np.bincount(place[told[labels]], minlength=len(mine))
    return labels, place, holders[place] - told[labels] >= COMMON_OTHERS


def _spread(
    labels: npt.NDArray[np.int64], at: npt.NDArray[np.uint32], count: int
) -> npt.NDArray[np.int64]:
    """Per label (of `count`), how many of its places `at` lie outside its densest WINDOW of
    them and then its densest SENTENCE of the rest."""
    key = np.sort(labels.astype(np.int64) << 32 | at.astype(np.int64))
    most, first = _densest(key, WINDOW, count)
    row = key >> 32
    place = key & 0xFFFFFFFF
    start = first[row]
    second, _ = _densest(key[(place < start) | (place >= start + WINDOW)], SENTENCE, count)
    outside: npt.NDArray[np.int64] = np.bincount(row, minlength=count) - most - second
    return outside


def _densest(
    key: npt.NDArray[np.int64], window: int, count: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per label (of `count`; sorted `key` is label << 32 | place), the most of its places
    within one `window`, and where that window starts."""
    within = np.searchsorted(key, key + window) - np.arange(len(key))
    most = np.zeros(count, dtype=np.int64)
    first = np.zeros(count, dtype=np.int64)
    if len(key):
        # The earliest of the best starts per label: each label's first by (label, -within).
        order = np.lexsort((-within, key >> 32))
        first_of = np.ones(len(order), dtype=np.bool_)
        first_of[1:] = (key[order][1:] >> 32) != (key[order][:-1] >> 32)
        best = order[first_of]
        most[key[best] >> 32] = within[best]
        first[key[best] >> 32] = key[best] & 0xFFFFFFFF
    return most, first


@dataclass(frozen=True)
class Shared:
    """What a story shares with each candidate, one entry per candidate."""

    rare: npt.NDArray[np.int64]  # marks in common that no other told candidate holds
    common: npt.NDArray[np.int64]  # marks in common that another told candidate holds too
    marks: npt.NDArray[np.int64]  # the candidate's own marks
    reworded: npt.NDArray[np.int64]  # reworded facts no other told candidate holds
    # Of `rare`, those outside the story's densest WINDOW of them and its densest SENTENCE
    # after that: a background paragraph and a stock sentence two stories share lie in one
    # block each, a rewrite's text in common is spread out.
    outside: npt.NDArray[np.int64]
