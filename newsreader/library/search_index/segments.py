"""Index segments: one inverted index of words per import commit, numpy files read via mmap.

A segment named N is eight files in the library's `search/` folder, each written atomically:
- `N.terms.npy`   uint64, sorted: the 48-bit keys of the words in its stories;
- `N.offsets.npy` uint32: a rare word's stories are `docs[offsets[i]:offsets[i + 1]]`;
- `N.docs.npy`    uint16: local story numbers, ascending within each word;
- `N.rows.npy`    int32: for a common word (in more than 1/16 of the stories), its row in
  `N.bitmaps.npy` (one bit per story: smaller than a list then, and ANDed in one step), else -1;
- `N.sources.npy`, `N.bodies.npy` the source names and body file names the stories use;
- `N.stories.npy` per local number: story id, published time, source and body file (see
  columns.py). Written last: a segment without it is incomplete and never read.
Segments are written before the import that made them commits, so one may hold stories that
never reached the library; readers skip every story the library does not list, and merges
drop them. Names sort by the time they were written: the newest copy of a story wins.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections import defaultdict
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from newsreader.errors import DamagedLibrary
from newsreader.library.search_index.columns import StoryColumns, StoryText
from newsreader.storage import make_private_folder, write_atomic
from newsreader.words import DOC_BITS, U64, story_terms

FOLDER = "search"
MAX_STORIES = 1 << DOC_BITS  # local story numbers are uint16
MERGE_FACTOR = 4  # this many segments of one size class (1-3, 4-15, 16-63 … stories) merge
MERGE_BELOW = 1024  # segments of this many stories or more are never merged again
DENSE = 16  # a word in more than 1/DENSE of the stories is kept as a bitmap
_PARTS = ("terms", "offsets", "docs", "rows", "bitmaps", "sources", "bodies", "stories")
_DOC_MASK = np.uint64((1 << DOC_BITS) - 1)
_EMPTY = np.zeros(0, dtype=np.int64)

Docs = npt.NDArray[np.int64]


@dataclass
class Segment:
    """One segment opened for reading; the arrays are memory-mapped, ids read whole."""

    name: str
    terms: npt.NDArray[np.uint64]
    offsets: npt.NDArray[np.uint32]
    docs: npt.NDArray[np.uint16]
    rows: npt.NDArray[np.int32]
    bitmaps: npt.NDArray[np.uint8]
    columns: StoryColumns

    @property
    def ids(self) -> list[str]:
        """The story id of each local number."""
        return self.columns.ids

    def _find(self, key: int) -> int:
        at = int(np.searchsorted(self.terms, np.uint64(key)))
        return at if at < len(self.terms) and int(self.terms[at]) == key else -1

    def _list(self, at: int) -> Docs:
        row = int(self.rows[at])
        if row >= 0:
            bits = np.unpackbits(np.asarray(self.bitmaps[row]))[: len(self.ids)]
            return np.flatnonzero(bits)
        return np.asarray(self.docs[int(self.offsets[at]) : int(self.offsets[at + 1])], np.int64)

    def matching(self, keys: Sequence[int]) -> Docs:
        """The local numbers of the stories holding every word in `keys`, ascending."""
        lists: list[Docs] = []
        rows: list[int] = []
        for key in keys:
            at = self._find(key)
            if at < 0:
                return _EMPTY
            row = int(self.rows[at])
            if row >= 0:
                rows.append(row)
            else:
                lists.append(self._list(at))
        if not lists:
            both = np.bitwise_and.reduce([np.asarray(self.bitmaps[r]) for r in rows])
            return np.flatnonzero(np.unpackbits(both)[: len(self.ids)])
        lists.sort(key=len)  # intersecting from the shortest list keeps every step small
        result = lists[0]
        for other in lists[1:]:
            result = np.intersect1d(result, other, assume_unique=True)
        for row in rows:
            bits = np.asarray(self.bitmaps[row])
            result = result[(bits[result >> 3] >> (7 - (result & 7))) & 1 == 1]
        return result

    def postings(self) -> tuple[U64, Docs]:
        """Every (word key, local number) pair, for merging."""
        offsets = np.asarray(self.offsets, dtype=np.int64)
        lengths = offsets[1:] - offsets[:-1]
        terms = [np.repeat(np.asarray(self.terms), lengths)]
        docs = [np.asarray(self.docs).astype(np.int64)]
        for at in np.flatnonzero(np.asarray(self.rows) >= 0).tolist():
            found = self._list(at)
            terms.append(np.full(found.size, self.terms[at], dtype=np.uint64))
            docs.append(found)
        return np.concatenate(terms), np.concatenate(docs)


def _sort_keys(stories: Sequence[StoryText]) -> U64:
    """Sorted unique (word key << 16 | local number) of the words of `stories`."""
    # Each story's terms are distinct, so with its number or-ed in no key repeats.
    terms = [
        story.terms if story.terms is not None else story_terms(story.title, story.paragraphs)
        for story in stories
    ]
    if not terms:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.array([len(t) for t in terms], dtype=np.int64)
    doc = np.repeat(np.arange(len(stories), dtype=np.uint64), lengths)
    keys = np.concatenate(terms) | doc
    keys.sort()
    return keys


def _arrays(keys: U64, stories: int) -> dict[str, npt.NDArray[np.generic]]:
    """The segment's arrays (but ids) from sorted unique sort keys."""
    all_terms = keys >> np.uint64(DOC_BITS)
    all_docs = (keys & _DOC_MASK).astype(np.int64)
    starts = np.flatnonzero(np.concatenate(([True], all_terms[1:] != all_terms[:-1])))
    counts = np.diff(np.append(starts, keys.size))
    dense = counts * DENSE > stories
    rows = np.full(starts.size, -1, dtype=np.int32)
    rows[dense] = np.arange(int(dense.sum()), dtype=np.int32)
    of_posting = np.repeat(dense, counts)
    width = (stories + 7) // 8 * 8
    bits = np.zeros((int(dense.sum()), width), dtype=bool)
    bits[np.repeat(rows, counts)[of_posting], all_docs[of_posting]] = True
    offsets = np.concatenate(([0], np.cumsum(np.where(dense, 0, counts))))
    return {
        "terms": all_terms[starts],
        "offsets": offsets.astype(np.uint32),
        "docs": all_docs[~of_posting].astype(np.uint16),
        "rows": rows,
        "bitmaps": np.packbits(bits, axis=1).reshape(len(rows[dense]), width // 8),
    }


def _save(folder: Path, name: str, part: str, array: npt.NDArray[np.generic]) -> None:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    write_atomic(folder / f"{name}.{part}.npy", buffer.getvalue())


def _write(folder: Path, keys: U64, columns: StoryColumns) -> str:
    """Write one segment; return its name."""
    make_private_folder(folder)
    name = f"{time.time_ns():016x}-{os.getpid()}"
    parts = {**_arrays(keys, len(columns)), **columns.arrays()}
    for part in _PARTS:  # in this order: `stories` last
        _save(folder, name, part, parts[part])
    return name


def write_segments(library_folder: Path, stories: Sequence[StoryText]) -> list[str]:
    """Index `stories` into new segments (of at most MAX_STORIES each); return their names."""
    names = []
    for start in range(0, len(stories), MAX_STORIES):
        chunk = stories[start : start + MAX_STORIES]
        names.append(_write(library_folder / FOLDER, _sort_keys(chunk), StoryColumns.of(chunk)))
    return names


def segment_names(library_folder: Path) -> list[str]:
    """The names of the complete segments, oldest first."""
    folder = library_folder / FOLDER
    marker = ".stories.npy"
    try:
        found = [p.name[: -len(marker)] for p in folder.iterdir() if p.name.endswith(marker)]
    except FileNotFoundError:
        return []
    return sorted(found)


def open_segment(library_folder: Path, name: str) -> Segment | None:
    """Open segment `name`, or None when a merge removed it meanwhile."""
    folder = library_folder / FOLDER
    try:
        table, sources, bodies = (
            np.load(folder / f"{name}.{part}.npy", allow_pickle=False)
            for part in ("stories", "sources", "bodies")
        )
        terms, offsets, docs, rows, bitmaps = (
            np.load(folder / f"{name}.{part}.npy", mmap_mode="r", allow_pickle=False)
            for part in _PARTS[:5]
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise DamagedLibrary(folder / name, f"damaged search index ({error})") from error
    columns = StoryColumns.from_arrays(table, sources, bodies)
    return Segment(name, terms, offsets, docs, rows, bitmaps, columns)


def _remove(folder: Path, name: str) -> None:
    for part in reversed(_PARTS):  # the stories file first: the segment stops counting at once
        with contextlib.suppress(FileNotFoundError):
            (folder / f"{name}.{part}.npy").unlink()


def _merge(library_folder: Path, segments: Sequence[Segment], keep: dict[str, list[bool]]) -> None:
    """Replace `segments` with one segment of the stories `keep` marks."""
    parts: list[U64] = []
    columns: list[StoryColumns] = []
    base = 0
    for segment in segments:
        kept = np.array(keep[segment.name], dtype=bool)
        local = np.full(len(kept), -1, dtype=np.int64)
        local[kept] = np.arange(base, base + int(kept.sum()))
        base += int(kept.sum())
        columns.append(segment.columns.kept(kept))
        terms, docs = segment.postings()
        docs = local[docs]
        parts.append((terms[docs >= 0] << np.uint64(DOC_BITS)) | docs[docs >= 0].astype(np.uint64))
    keys = np.concatenate(parts)
    keys.sort()
    if base:
        _write(library_folder / FOLDER, keys, StoryColumns.joined(columns))
    for segment in segments:
        _remove(library_folder / FOLDER, segment.name)


def tidy(library_folder: Path, committed: Container[str]) -> None:
    """Drop what no story needs and merge small segments. Call with the import lock held.

    Every segment present is settled then: its import either committed or never will, so a
    story `committed` does not list is gone for good, as is an older copy of a story.
    """
    folder = library_folder / FOLDER
    if not folder.exists():
        return
    complete = set(segment_names(library_folder))
    for path in folder.iterdir():
        name = path.name.split(".", 1)[0]
        # Left by an import that stopped mid-segment: nobody else writes here under the lock.
        if path.name.endswith(".tmp") or (path.name.endswith(".npy") and name not in complete):
            path.unlink(missing_ok=True)
    opened = (open_segment(library_folder, name) for name in sorted(complete))
    segments = [segment for segment in opened if segment is not None]
    seen: set[str] = set()
    keep: dict[str, list[bool]] = {}
    for segment in reversed(segments):
        flags = [sid in committed and sid not in seen for sid in segment.ids]
        seen.update(segment.ids)
        keep[segment.name] = flags
    classes: defaultdict[int, list[Segment]] = defaultdict(list)
    for segment in segments:
        kept = sum(keep[segment.name])
        if not kept:
            _remove(folder, segment.name)
        elif kept < MERGE_BELOW:
            classes[(kept.bit_length() - 1) // 2].append(segment)  # powers of MERGE_FACTOR
    for group in classes.values():
        for start in range(0, len(group) - MERGE_FACTOR + 1, MERGE_FACTOR):
            _merge(library_folder, group[start : start + MERGE_FACTOR], keep)
