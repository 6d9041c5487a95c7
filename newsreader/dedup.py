"""Near-duplicate detection: MinHash sketches and LSH band keys in numpy, then a finer check."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from newsreader import dedup_segments as segments
from newsreader.bands import BANDS, BandIndex, band_order
from newsreader.dedup_segments import MERGE_UPTO, BadFile, Stored
from newsreader.errors import DamagedLibrary, LibraryError
from newsreader.fingerprint import (
    MARK_EVERY,
    NUMBERS_KEPT,
    PERMUTATIONS,
    Features,
    features,
    similarity,
)
from newsreader.overlap import Overlap, Ragged, Shared

__all__ = ["DuplicateIndex", "Features", "OutdatedIndex", "features", "similarity"]

# 1: sketches of all the text, no shingle counts, 32 bands of 4 values; 2: no marks or facts
FORMAT_VERSION = 3
THRESHOLD = 0.5  # estimated Jaccard at which a candidate is a copy
# Or (a trimmed copy) the longer text holds this share of the shorter one's marks, counted
# without the text other stories told hold too, and at least COPY_SHARED shingles of it.
COPY_CONTAINED = 0.8
COPY_SHARED = 60
# A rewrite, by the finer check (overlap.py): shingles outside quotations it shares with the
# other story and no other story told holds (counted from the marks), needed with 0, 1, 2, 3,
# 4 or more reworded facts. A background paragraph (<= ~120 words) has <= ~116 shingles, which
# its sample of marks put at up to 164 on a 100k corpus; and a rewrite of a story holding one
# rewords some of its sentences, numbers kept, which makes reworded facts with every other
# story holding that paragraph (up to 84 shingles and 2 facts on another 100k corpus).
REWRITE_SHARED = (192, 160, 96, 80, 20)
MIN_NUMBERS = 3  # both stories need this many numbers for the numbers veto to apply
COPY_NUMBERS = 0.5  # share of the fewer numbers below which a copy is a templated story
# A rewrite shares at least this share of the fewer numbers per share of the shorter text: a
# templated story shares most of its words and few of its numbers.
REWRITE_NUMBERS = 0.5
# Sketch values held by more stories than this are not looked up: they bring candidates that
# share only a common paragraph.
COMMON_HOLDERS = 3
_COLUMNS = np.arange(PERMUTATIONS)
_OFFSETS = _COLUMNS << 16  # where each sketch position's counts start in the flat table
FILE_NAME = "dedup.npz"  # the whole index, before it was kept in segments (dedup/*.npz)


class OutdatedIndex(LibraryError):
    """The index file was written by an older newsreader: rebuild it from the stories."""


def _numbers_shared(
    a: npt.NDArray[np.uint32], na: int, b: npt.NDArray[np.uint32], nb: int
) -> tuple[float, float]:
    """How many numbers two stories share, and what share of the fewer numbers that is.

    Exact up to NUMBERS_KEPT numbers each; beyond, from a bottom-k estimate of their Jaccard.
    """
    if na <= NUMBERS_KEPT and nb <= NUMBERS_KEPT:
        shared = float(len(set(a.tolist()).intersection(b.tolist())))  # sets: quicker here
    else:
        smallest = np.union1d(a, b)[: min(len(a), len(b))]
        both = np.isin(smallest, a, assume_unique=True) & np.isin(smallest, b, assume_unique=True)
        jaccard = float(both.mean())
        shared = jaccard / (1 + jaccard) * (na + nb)
    return shared, shared / max(1, min(na, nb))


def _grown(a: npt.NDArray[Any], extra: int) -> npt.NDArray[Any]:
    """`a` with `extra` more zero rows: in place if `a` owns its memory, else a copy."""
    shape = (len(a) + extra, *a.shape[1:])
    if a.flags.owndata:
        # In place (realloc) there is never a second copy of the sketches in memory. No view of
        # these arrays outlives a call, so the reference check can be skipped.
        a.resize(shape, refcheck=False)
        return a
    bigger = np.zeros(shape, dtype=a.dtype)
    bigger[: len(a)] = a
    return bigger


class DuplicateIndex:
    """Incremental near-duplicate index: MinHash sketches + LSH band keys held in numpy arrays."""

    def __init__(self, *, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._sketch = np.zeros((0, PERMUTATIONS), dtype=np.uint16)
        self._shingles = np.zeros(0, dtype=np.uint32)  # shingles behind each sketch
        self._exact = np.zeros(0, dtype=np.uint64)
        # The number hashes of all rows end to end; row r's end where `_number_end[r]` says.
        self._numbers = np.zeros(0, dtype=np.uint32)
        self._number_end = np.zeros(0, dtype=np.int64)
        self._number_count = np.zeros(0, dtype=np.uint16)
        self._long = np.zeros(0, dtype=bool)
        # Which rows told a story of their own (found no earlier version when added), and per
        # sketch position how many of those hold each value: text that many stories hold
        # (a background paragraph, a set phrase) says little about any two of them.
        self._told = np.zeros(0, dtype=bool)
        # Flat, position-major (`_OFFSETS`): one `take` reads a sketch's counts.
        self._holders = np.zeros(PERMUTATIONS << 16, dtype=np.uint16)
        self._overlap = Overlap()  # marks and facts, for the finer check
        self._found: tuple[str, bool] = ("", False)  # the last story looked up, and if found
        self._told_count = 0
        self._bands = BandIndex()
        self._exact_rows: dict[int, list[int]] = {}
        self._last: tuple[tuple[str, tuple[str, ...]], Features] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._rows

    # ---- queries ---------------------------------------------------------------------------

    def find(
        self,
        story_id: str,
        title: str,
        paragraphs: Sequence[str],
        features: Features | None = None,
    ) -> list[str]:
        """Ids of indexed stories this one duplicates, best first; [] if none. Adds nothing.

        `features`, when given, must be `features(title, paragraphs)` worked out ahead.
        """
        rows = self._find(story_id, features or self._features_of(title, paragraphs))
        self._found = (story_id, bool(rows))
        return [self._ids[r] for r in rows]

    def _find(self, story_id: str, f: Features) -> list[int]:
        """Rows this story repeats, copies first."""
        own = self._rows.get(story_id, -1)
        exact = self._exact_rows.get(f.exact, []) if f.exact else []
        found = [r for r in exact if r != own]
        if f.sketch is not None:
            rare = self._rare(f.sketch)
            rows = self._bands.candidates(f.sketch, rare[:BANDS])
            if not rows.size:
                return found
            if own >= 0:
                rows = rows[rows != own]
            if exact:
                rows = rows[~np.isin(rows, exact)]
            equal = self._sketch[rows] == f.sketch
            same = np.count_nonzero(equal, axis=1)
            if not same.size or int(same.max()) < 2:  # one value each, by chance: nothing more
                return found
            return found + self._versions(f, rows[same >= 2], same[same >= 2])
        return found

    def _versions(
        self, f: Features, rows: npt.NDArray[np.int64], same: npt.NDArray[np.intp]
    ) -> list[int]:
        """Of candidate `rows` (sharing `same` sketch values), those `f` is a version of:
        copies then rewrites, each best first."""
        shared = self._overlap.shared(f.marks, f.facts, rows, self._told[rows])
        fewer = np.maximum(np.minimum(len(f.marks), shared.marks) - shared.common, 1)
        contained = shared.rare / fewer
        copy = self._alike(same, shared.rare, contained)
        copies = sorted(zip((-same).tolist(), rows.tolist(), copy.tolist(), strict=True))
        found = [r for _, r, c in copies if c and self._facts_agree(f, r, None)]
        return found + self._rewrites(f, rows[~copy], shared, contained, ~copy)

    def _rewrites(
        self,
        f: Features,
        rows: npt.NDArray[np.int64],
        shared: Shared,
        contained: npt.NDArray[np.float64],
        which: npt.NDArray[np.bool_],
    ) -> list[int]:
        """Of `rows` (the candidates `which` picks), those `f` is a rewrite of, best first."""
        text = shared.rare[which] * MARK_EVERY
        facts = np.minimum(shared.reworded[which], len(REWRITE_SHARED) - 1)
        enough = text >= np.array(REWRITE_SHARED)[facts]
        found = [
            (-t, r)
            for r, t, c in zip(
                rows[enough].tolist(),
                text[enough].tolist(),
                contained[which][enough].tolist(),
                strict=True,
            )
            if self._facts_agree(f, r, min(c, 1.0))
        ]
        return [r for _, r in sorted(found)]

    def _rare(self, sketch: npt.NDArray[np.uint16]) -> npt.NDArray[np.bool_]:
        """Which of the sketch's values few of the stories told so far hold."""
        told = self._told_count
        # Beyond chance (told / 2**16 per value) and a story's few versions left unfound.
        limit = COMMON_HOLDERS + 4 * told // 2**16
        return self._holders.take(_OFFSETS + sketch) <= limit

    def _alike(
        self,
        same: npt.NDArray[np.intp],
        rare: npt.NDArray[np.int64],
        contained: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.bool_]:
        """Which candidates look like copies.

        A copy has a high Jaccard (estimated from the sketch), or (trimmed) most of its
        shorter text found in the longer, counted from the marks: a count on a fixed sample
        of the text, where the sketch's estimate of a small overlap is noisy.
        """
        return (same / PERMUTATIONS >= self.threshold) | (
            (contained >= COPY_CONTAINED) & (rare * MARK_EVERY >= COPY_SHARED)
        )

    def _facts_agree(self, f: Features, row: int, rewrite: float | None) -> bool:
        """Whether the numbers allow a copy, or a rewrite sharing `rewrite` of the shorter text.

        Templated stories (market wraps, results) share their words and differ in their
        numbers; a rewrite keeps the facts: it shares its numbers at least in proportion to
        its text.
        """
        count = int(self._number_count[row])
        start = int(self._number_end[row - 1]) if row else 0
        numbers = self._numbers[start : self._number_end[row]]
        _, share = _numbers_shared(f.numbers, f.number_count, numbers, count)
        few = min(f.number_count, count) < MIN_NUMBERS
        if rewrite is None:
            return few or share >= COPY_NUMBERS
        return few or share >= REWRITE_NUMBERS * rewrite

    def _features_of(self, title: str, paragraphs: Sequence[str]) -> Features:
        # The library calls find then add with the same story: compute its features once.
        key = (title, tuple(paragraphs))
        if self._last is None or self._last[0] != key:
            self._last = (key, features(title, paragraphs))
        return self._last[1]

    # ---- changes ---------------------------------------------------------------------------

    def add(
        self,
        story_id: str,
        title: str,
        paragraphs: Sequence[str],
        features: Features | None = None,
    ) -> None:
        """Index a story; adding a known id again changes nothing."""
        if story_id in self._rows:
            return
        f = features or self._features_of(title, paragraphs)
        row = len(self._ids)
        if row == len(self._exact):
            grow = max(1024, row // 8)
            self._sketch, self._exact = _grown(self._sketch, grow), _grown(self._exact, grow)
            self._shingles = _grown(self._shingles, grow)
            self._number_end = _grown(self._number_end, grow)
            self._number_count, self._long = (
                _grown(self._number_count, grow),
                _grown(self._long, grow),
            )
            self._told = _grown(self._told, grow)
        start = int(self._number_end[row - 1]) if row else 0
        end = start + len(f.numbers)
        if end > len(self._numbers):
            self._numbers = _grown(self._numbers, max(4096, end, len(self._numbers) // 2))
        self._numbers[start:end] = f.numbers
        self._number_end[row] = end
        self._number_count[row] = min(f.number_count, 0xFFFF)
        self._exact[row] = f.exact
        if f.exact:
            self._exact_rows.setdefault(f.exact, []).append(row)
        self._long[row] = f.sketch is not None
        told = f.sketch is not None and self._found != (story_id, True)
        self._overlap.add(f.marks, f.facts)
        if f.sketch is not None:
            self._sketch[row] = f.sketch
            if told:
                self._told[row] = True
                self._told_count += 1
                at = _OFFSETS + f.sketch
                self._holders[at] = np.minimum(self._holders.take(at), 0xFFFE) + 1
            self._shingles[row] = min(f.shingles, 0xFFFFFFFF)
            self._bands.add(row, f.sketch)
        self._ids.append(story_id)
        self._rows[story_id] = row

    # ---- files -----------------------------------------------------------------------------

    # The segment files this index was read from or saved to, oldest first (dedup_segments).
    _disk: tuple[Stored, ...] = ()

    def save(self, folder: Path) -> None:
        """Write the rows added since the last save to `folder` as a new segment, merged with
        the newest segments when they are small next to it; each write atomic, owner only.
        Call with the import lock held."""
        n = len(self._ids)
        disk = list(self._disk)
        start = sum(stored.rows for stored in disk)
        if disk and start == n:
            return
        last = segments.new_name()
        # An index not read from the folder stands for every segment there ("" sorts first).
        first = last if disk or not segments.live(folder) else ""
        while disk and disk[-1].rows <= min(n - start, MERGE_UPTO):
            merged = disk.pop()
            start -= merged.rows
            first = merged.first
        ends = n and int(self._number_end[n - 1])
        marks, mark_end = self._overlap.marks.arrays()
        facts, fact_end = self._overlap.facts.arrays()
        arrays: dict[str, Any] = {
            "version": np.array([FORMAT_VERSION, PERMUTATIONS, NUMBERS_KEPT], dtype=np.int64),
            "ids": np.array(self._ids[start:], dtype=np.str_),
            "sketch": self._sketch[:n],
            "shingles": self._shingles[:n],
            "exact": self._exact[:n],
            "numbers": self._numbers[:ends],
            "number_count": self._number_count[:n],
            "long": self._long[:n],
            "told": self._told[:n],
            "marks": marks,
            "facts": facts,
            "sorted": np.array([self._bands.merged], dtype=np.int64),
        }
        whole_ends = {
            "number_end": self._number_end[:n],
            "mark_end": mark_end,
            "fact_end": fact_end,
        }
        for name in ("sketch", "shingles", "exact", "number_count", "long", "told"):
            arrays[name] = arrays[name][start:]
        stored = segments.write(folder, first, last, segments.rows_of(arrays, whole_ends, start))
        self._disk = (*disk, stored)
        for path in segments.replaced(folder):  # those the new segment stands for
            path.unlink(missing_ok=True)

    @classmethod
    def load(cls, folder: Path) -> DuplicateIndex:
        """The index saved in `folder`, or an empty one; DamagedLibrary naming the file if a
        segment is damaged.

        OutdatedIndex (a LibraryError) if an older newsreader wrote it: its sketches were made
        otherwise, and only the stories can give the new ones.
        """
        index = cls()
        arrays, disk = segments.read_all(folder, index._check_version)
        if arrays is None:
            return index
        try:
            index._restore(arrays)
        except BadFile as error:
            raise DamagedLibrary(disk[-1].path, f"damaged duplicate index ({error})") from error
        index._disk = tuple(disk)
        return index

    def _check_version(self, a: dict[str, npt.NDArray[Any]]) -> None:
        version = a["version"].tolist()
        if version[:1] in ([1], [2]) and version[1:] == [PERMUTATIONS, NUMBERS_KEPT]:
            raise OutdatedIndex("written by an older newsreader; rebuilt at the next import")
        if version != [FORMAT_VERSION, PERMUTATIONS, NUMBERS_KEPT]:
            raise ValueError(f"unknown format {a['version'].tolist()}")

    def _restore(self, a: dict[str, npt.NDArray[Any]]) -> None:
        self._check_version(a)
        ids = [str(i) for i in a["ids"].tolist()]
        n = len(ids)
        expected = {
            "sketch": ((n, PERMUTATIONS), np.uint16),
            "shingles": ((n,), np.uint32),
            "exact": ((n,), np.uint64),
            "number_end": ((n,), np.int64),
            "number_count": ((n,), np.uint16),
            "long": ((n,), np.bool_),
            "told": ((n,), np.bool_),
        }
        for name, (shape, dtype) in expected.items():
            if a[name].shape != shape or a[name].dtype != dtype:
                raise ValueError(f"{name} has shape {a[name].shape} and type {a[name].dtype}")
        done = int(a["sorted"][0])
        if not 0 <= done <= n:
            raise ValueError("the sorted rows do not fit the sketches")
        # The band order is worked out again (64 sorts, a few ms per 10,000 stories) rather
        # than kept: it took a quarter of the file.
        order = band_order(a["sketch"], a["long"], done)
        ends = a["number_end"]
        if a["numbers"].dtype != np.uint32 or (n and ends[-1] != len(a["numbers"])):
            raise ValueError("numbers do not fit their offsets")
        if n and (ends[0] < 0 or (np.diff(ends) < 0).any()):
            raise ValueError("number offsets out of order")
        if len(set(ids)) != n:
            raise ValueError("an id appears twice")
        self._ids, self._rows = ids, {sid: row for row, sid in enumerate(ids)}
        self._sketch, self._exact, self._long = a["sketch"], a["exact"], a["long"]
        self._shingles = a["shingles"]
        self._told = a["told"] & a["long"]
        self._told_count = int(np.count_nonzero(self._told))
        # Counted a column at a time, the told rows taken 16 columns at a time: one count of
        # all 8.4 million slots at once took 195 MB on the way to the 16 MB kept, a copy of
        # every told row 25 MB (at 100,000 stories), and a column at a time 10 times as long.
        self._holders = np.empty(PERMUTATIONS << 16, dtype=np.uint16)
        for first in range(0, PERMUTATIONS, 16):
            block = self._sketch[:, first : first + 16][self._told]
            for column in range(first, min(first + 16, PERMUTATIONS)):
                counts = np.bincount(block[:, column - first], minlength=1 << 16)
                self._holders[column << 16 : (column + 1) << 16] = np.minimum(counts, 0xFFFF)
        self._numbers, self._number_end = a["numbers"], ends
        self._number_count = a["number_count"]
        self._bands = BandIndex.restore(a["sketch"], a["long"], order, done)
        if a["marks"].dtype != np.uint16 or a["facts"].dtype != np.uint64:
            raise ValueError("marks or facts of the wrong type")
        marks = Ragged.restore(a["marks"], a["mark_end"])
        self._overlap.restore(marks, Ragged.restore(a["facts"], a["fact_end"]), n)
        self._exact_rows = {}
        for row, key in enumerate(a["exact"].tolist()):
            if key:
                self._exact_rows.setdefault(key, []).append(row)
