"""Near-duplicate detection: MinHash sketches and LSH band keys in numpy, then a finer check."""

from __future__ import annotations

import mmap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from newsreader import dedup_segments as segments
from newsreader.bands import BANDS, BandIndex, band_order
from newsreader.dedup_columns import Column, Lookup, RaggedColumn, count_values, string_key
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
from newsreader.overlap import Overlap, Shared

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
# A copy of a story holding 2 or more numbers shares 2 of them at least: fillings of a
# template with one slot share its fixed number (a year), which is half of 2.
COPY_SHARED_NUMBERS = 2
MIN_NUMBERS = 2  # both stories need this many numbers for the numbers veto to apply
COPY_NUMBERS = 0.5  # share of the fewer numbers below which a copy is a templated story
# A rewrite shares at least this share of the fewer numbers per share of the shorter text: a
# templated story shares most of its words and few of its numbers.
REWRITE_NUMBERS = 0.5
# Sketch values held by more stories than this are not looked up: they bring candidates that
# share only a common paragraph.
COMMON_HOLDERS = 3
_COLUMNS = np.arange(PERMUTATIONS)
_OFFSETS = _COLUMNS << 16  # where each sketch position's counts start in the flat table
# Lookups between two releases of the mapped pages they touched: a process's resident memory
# counts the file pages it has touched until they are let go.
RELEASE_EVERY = 256
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


class DuplicateIndex:
    """Incremental near-duplicate index: MinHash sketches + LSH band keys held in numpy arrays."""

    def __init__(self, *, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        # Rows of the segments on disk are read from their files mapped (dedup_columns);
        # only the rows added since live in memory.
        self._ids = Column(np.object_)  # str; a segment's as its file keeps them
        self._id_rows = Lookup()  # by `string_keys` of the id
        self._sketch = Column(np.uint16, (PERMUTATIONS,))
        self._shingles = Column(np.uint32)  # shingles behind each sketch
        self._exact = Column(np.uint64)
        self._exact_rows = Lookup()
        self._numbers = RaggedColumn(np.uint32)
        self._number_count = Column(np.uint16)
        self._long = Column(np.bool_)
        # Which rows told a story of their own (found no earlier version when added), and per
        # sketch position how many of those hold each value: text that many stories hold
        # (a background paragraph, a set phrase) says little about any two of them.
        self._told = Column(np.bool_)
        # Flat, position-major (`_OFFSETS`): one `take` reads a sketch's counts.
        self._holders = np.zeros(PERMUTATIONS << 16, dtype=np.uint16)
        self._overlap = Overlap()  # marks and facts, for the finer check
        self._found: tuple[str, bool] = ("", False)  # the last story looked up, and if found
        self._told_count = 0
        self._bands = BandIndex()
        self._last: tuple[tuple[str, tuple[str, ...]], Features] | None = None
        self._maps: dict[int, mmap.mmap] = {}  # the segment files mapped, by their first row
        self._lookups = 0
        # The last id looked up, its row and its key (string_key).
        self._asked: tuple[str, int, int] = ("", -1, string_key(""))

    def __len__(self) -> int:
        return len(self._sketch)

    def __contains__(self, story_id: object) -> bool:
        return isinstance(story_id, str) and self._row_of(story_id) >= 0

    def _row_of(self, story_id: str) -> int:
        """The row of `story_id`, -1 if it is not indexed."""
        if self._asked[0] == story_id:  # find then add ask for the same story
            return self._asked[1]
        key = string_key(story_id)
        row = next((r for r in self._id_rows.rows(key) if self._ids[r] == story_id), -1)
        self._asked = (story_id, row, key)
        return row

    def release(self) -> None:
        """Let go of the mapped pages lookups touched (the files stay mapped): the page cache
        keeps them, this process's resident memory does not count them any more."""
        for mapped in self._maps.values():
            mapped.madvise(mmap.MADV_DONTNEED)

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
        self._lookups += 1
        if self._lookups % RELEASE_EVERY == 0:
            self.release()
        return [str(self._ids[r]) for r in rows]

    def _find(self, story_id: str, f: Features) -> list[int]:
        """Rows this story repeats, copies first."""
        own = self._row_of(story_id)
        exact = self._exact_rows.rows(f.exact) if f.exact else []
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
            equal = self._sketch.take(rows) == f.sketch
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
        shared = self._overlap.shared(f.marks, f.facts, rows, self._told.take(rows))
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
        numbers = self._numbers.row(row)
        shared, share = _numbers_shared(f.numbers, f.number_count, numbers, count)
        few = min(f.number_count, count) < MIN_NUMBERS
        if rewrite is None:
            return few or (share >= COPY_NUMBERS and shared >= COPY_SHARED_NUMBERS)
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
        if story_id in self:
            return
        f = features or self._features_of(title, paragraphs)
        row = len(self)
        self._numbers.append(f.numbers)
        self._number_count.append(min(f.number_count, 0xFFFF))
        self._exact.append(f.exact)
        if f.exact:
            self._exact_rows.add(f.exact, row)
        self._long.append(f.sketch is not None)
        told = f.sketch is not None and self._found != (story_id, True)
        self._overlap.add(f.marks, f.facts)
        self._told.append(told)
        self._sketch.append(0 if f.sketch is None else f.sketch)
        self._shingles.append(0 if f.sketch is None else min(f.shingles, 0xFFFFFFFF))
        if f.sketch is not None:
            if told:
                self._told_count += 1
                at = _OFFSETS + f.sketch
                self._holders[at] = np.minimum(self._holders.take(at), 0xFFFE) + 1
            self._bands.add(row, f.sketch)
        key = self._asked[2] if self._asked[0] == story_id else string_key(story_id)
        self._ids.append(story_id)
        self._id_rows.add(key, row)
        self._asked = (story_id, row, key)

    # ---- files -----------------------------------------------------------------------------

    # The segment files this index was read from or saved to, oldest first (dedup_segments).
    _disk: tuple[Stored, ...] = ()

    def save(self, folder: Path) -> None:
        """Write the rows added since the last save to `folder` as a new segment, merged with
        the newest segments when they are small next to it; each write atomic, owner only.
        From then on those rows are read from the file. Call with the import lock held."""
        n = len(self)
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
        stored = segments.write(folder, first, last, self._rows_since(start))
        self._disk = (*disk, stored)
        for path in segments.replaced(folder):  # those the new segment stands for
            path.unlink(missing_ok=True)
        try:
            mapped, arrays = segments.read(stored.path)
            self._adopt(start, mapped, arrays)
        except BadFile as error:
            raise DamagedLibrary(stored.path, f"damaged duplicate index ({error})") from error
        self.release()

    def _rows_since(self, start: int) -> dict[str, npt.NDArray[Any]]:
        """Rows `start:` as a segment file keeps them."""
        numbers, number_end = self._numbers.since(start)
        marks, mark_end = self._overlap.marks.since(start)
        facts, fact_end = self._overlap.facts.since(start)
        return {
            "version": np.array([FORMAT_VERSION, PERMUTATIONS, NUMBERS_KEPT], dtype=np.int64),
            "ids": np.array([str(i) for i in self._ids.since(start).tolist()], dtype=np.str_),
            "sketch": self._sketch.since(start),
            "shingles": self._shingles.since(start),
            "exact": self._exact.since(start),
            "numbers": numbers,
            "number_end": number_end,
            "number_count": self._number_count.since(start),
            "long": self._long.since(start),
            "told": self._told.since(start),
            "marks": marks,
            "mark_end": mark_end,
            "facts": facts,
            "fact_end": fact_end,
            "sorted": np.array([self._bands.merged], dtype=np.int64),
        }

    @classmethod
    def load(cls, folder: Path) -> DuplicateIndex:
        """The index saved in `folder`, or an empty one; DamagedLibrary naming the file if a
        segment is damaged.

        OutdatedIndex (a LibraryError) if an older newsreader wrote it: its sketches were made
        otherwise, and only the stories can give the new ones.
        """
        index = cls()
        found = segments.read_live(folder, index._check_version)
        if not found:
            return index
        for stored, mapped, arrays in found:
            try:
                index._adopt(len(index), mapped, arrays)
            except BadFile as error:
                raise DamagedLibrary(stored.path, f"damaged duplicate index ({error})") from error
        try:
            index._index_bands(int(found[-1][2]["sorted"][0]))
        except BadFile as error:
            raise DamagedLibrary(found[-1][0].path, f"damaged duplicate index ({error})") from error
        index._count_holders()
        index._disk = tuple(stored for stored, _, _ in found)
        index.release()
        return index

    def _check_version(self, a: dict[str, npt.NDArray[Any]]) -> None:
        version = a["version"].tolist()
        if version[:1] in ([1], [2]) and version[1:] == [PERMUTATIONS, NUMBERS_KEPT]:
            raise OutdatedIndex("written by an older newsreader; rebuilt at the next import")
        if version != [FORMAT_VERSION, PERMUTATIONS, NUMBERS_KEPT]:
            raise ValueError(f"unknown format {a['version'].tolist()}")

    def _adopt(self, start: int, mapped: mmap.mmap | None, a: dict[str, npt.NDArray[Any]]) -> None:
        """Rows `start:` are those of a segment's arrays `a` (views of the file `mapped`)."""
        self._check_version(a)
        keys = segments.checked(a, PERMUTATIONS)
        self._numbers.replace_from(start, a["numbers"], a["number_end"])
        self._overlap.replace_from(start, (a["marks"], a["mark_end"]), (a["facts"], a["fact_end"]))
        for column, name in (
            (self._ids, "ids"),
            (self._sketch, "sketch"),
            (self._shingles, "shingles"),
            (self._exact, "exact"),
            (self._number_count, "number_count"),
            (self._long, "long"),
        ):
            column.replace_from(start, a[name])
        self._told.replace_from(start, a["told"] & a["long"])  # in memory: a byte a row
        self._id_rows.replace_from(start, keys)
        self._exact_rows.replace_from(start, a["exact"], skip_zero=True)
        self._maps = {first: m for first, m in self._maps.items() if first < start}
        if mapped is not None:
            self._maps[start] = mapped

    def _index_bands(self, done: int) -> None:
        """The band index of every row, those below `done` in the sorted order."""
        n = len(self)
        if not 0 <= done <= n:
            raise ValueError("the sorted rows do not fit the sketches")
        if not n:
            return
        # The band order is worked out again (64 sorts, a few ms per 10,000 stories) rather
        # than kept: it took a quarter of the file. Only the banded values are copied.
        bands = np.empty((n, BANDS), dtype=np.uint16)
        at = 0
        for part in self._sketch.parts:
            bands[at : at + len(part)] = part[:, :BANDS]
            at += len(part)
            # The file's pages a copy touched count as this process's memory until let go:
            # all the sketches at 1,000,000 stories are 256 MB.
            self.release()
        long = np.concatenate(self._long.parts)
        self._bands = BandIndex.restore(bands, long, band_order(bands, long, done), done)

    def _count_holders(self) -> None:
        """Per sketch position, how many told rows hold each value."""
        self._told_count = sum(int(np.count_nonzero(told)) for told in self._told.parts)
        for sketch, told in zip(self._sketch.parts, self._told.parts, strict=True):
            count_values(sketch, told, self._holders)
            self.release()
