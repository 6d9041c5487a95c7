"""The full-text search index on disk: library storage, written when an import commits.

`segments.py` is the file format and its writing and merging; `columns.py` what a segment
keeps of each story besides its words. `SegmentIndex` opens a library's segments and lines
their columns up in library order; the queries over it are newsreader/search/'s. See
docs/search.md.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Container, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from newsreader.library.mark_masks import positions_in
from newsreader.library.search_index.columns import StoryText
from newsreader.library.search_index.segments import (
    FOLDER,
    Segment,
    open_segment,
    segment_names,
    tidy,
    write_segments,
)
from newsreader.storage import FILE_MODE

if TYPE_CHECKING:
    from newsreader.library.catalog import Catalog

Positions = npt.NDArray[np.int64]
_LOCK = "import.lock"  # the library's import lock: segments change only under it


def _positions_of(stories: Sequence[Any]) -> Mapping[str, int]:
    """Story id -> position in library order, without making a StoryMeta per story."""
    # The catalog's story table keeps this map; a plain list of metadata (older catalogs,
    # tests) is walked instead.
    positions = getattr(stories, "positions", None)
    if positions is not None:
        return positions  # type: ignore[no-any-return]
    return {story.id: number for number, story in enumerate(stories)}


class SegmentIndex:
    """The search segments of one library folder, opened, and columns in library order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._segments: dict[str, Segment] = {}
        self._maps: list[tuple[Segment, Positions]] = []
        self._key: tuple[int, int] | None = None
        self._stories: Sequence[Any] | None = None
        self._where: Mapping[str, int] = {}
        self.ids: list[str | None] = []
        self.covered = np.zeros(0, dtype=bool)
        self.published = np.zeros(0, dtype=np.float64)
        self.source = np.zeros(0, dtype=np.int32)
        self.source_names: list[str] = []
        self.body = np.zeros(0, dtype=np.int32)  # codes of body files: only their sameness counts
        self.builds = 0  # moves on whenever the columns are gathered again: positions may change

    def _folder_stamp(self) -> int:
        try:
            return (self.folder / FOLDER).stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def refresh(self, stories: Sequence[Any]) -> None:
        """Open new segments and gather their columns onto `stories` (the catalog's)."""
        key = (id(stories), self._folder_stamp())
        if key == self._key and self._stories is stories:
            return
        names = segment_names(self.folder)
        opened = {n: self._segments.get(n) or open_segment(self.folder, n) for n in names}
        self._segments = {n: s for n, s in opened.items() if s is not None}
        where = _positions_of(stories)
        count = len(stories)
        self.ids = [None] * count
        self.covered = np.zeros(count, dtype=bool)
        self.published = np.full(count, np.nan, dtype=np.float64)
        self.source = np.full(count, -1, dtype=np.int32)
        self.body = np.full(count, -1, dtype=np.int32)
        sources: dict[str, int] = {}
        bodies: dict[str, int] = {}
        self._maps = []
        for segment in self._segments.values():  # oldest first: a newer copy overwrites
            columns = segment.columns
            positions = positions_in(where, columns.ids)
            self._maps.append((segment, positions))
            known = positions >= 0
            at = positions[known]
            self.covered[at] = True
            self.published[at] = columns.published[known]
            recode = [sources.setdefault(n, len(sources)) for n in columns.source_names]
            self.source[at] = np.array(recode, dtype=np.int32)[columns.source[known]]
            recode = [bodies.setdefault(n, len(bodies)) for n in columns.body_names]
            self.body[at] = np.array(recode, dtype=np.int32)[columns.body[known]]
            for position, local in zip(at.tolist(), np.flatnonzero(known).tolist(), strict=True):
                self.ids[position] = columns.ids[local]
        self.source_names = list(sources)
        self._key, self._stories, self._where = key, stories, where
        self.builds += 1

    def missing(self) -> list[int]:
        """Positions of the stories no segment holds (libraries made before the index)."""
        return np.flatnonzero(~self.covered).tolist()

    def holding(self, keys: Sequence[int]) -> Positions:
        """Positions of the stories holding every word in `keys`, ascending."""
        return np.flatnonzero(self.holding_mask(keys))

    def holding_mask(self, keys: Sequence[int]) -> npt.NDArray[np.bool_]:
        """Which stories, by position, hold every word in `keys`."""
        # A mask rather than sorting the segments' matches together: a word in nearly every
        # story costs one pass over a million booleans, not a sort of a million positions.
        # Its last entry takes the stories the library does not list (position -1).
        mask = np.zeros(len(self.ids) + 1, dtype=bool)
        for segment, positions in self._maps:
            mask[positions[segment.matching(keys)]] = True
        return mask[:-1]


def index_missing(index: SegmentIndex, catalog: Catalog, reload: Callable[[], object]) -> int:
    """Index the stories no segment of `index` holds yet; return how many (0 but for older
    libraries). `reload` brings `catalog` up to date once the import lock is held."""
    index.refresh(catalog.stories)
    if not index.missing():
        return 0
    fd = os.open(index.folder / _LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the same lock as imports: one writer at a time
        reload()
        stories = catalog.stories
        index.refresh(stories)
        metas = sorted((stories[p] for p in index.missing()), key=lambda meta: meta.segment)
        texts = [
            StoryText(
                meta.id,
                meta.title,
                tuple(catalog.body(meta).get("paragraphs", ())),  # file by file
                meta.source,
                meta.published,
                meta.segment,
            )
            for meta in metas
        ]
        tidy(index.folder, catalog.by_id)
        write_segments(index.folder, texts)
    finally:
        os.close(fd)
    index.refresh(catalog.stories)
    return len(texts)


def add_stories(
    folder: Path,
    metas: Sequence[Mapping[str, Any]],
    bodies: Sequence[Mapping[str, Any]],
    committed: Container[str],
    terms: Sequence[Any] | None = None,
    settle: bool = True,
) -> None:
    """Index an import batch before it commits; call with the import lock held.

    `metas` and `bodies` are the batch's story documents, in the same order; `committed`
    lists the stories already in the library, against which old segments are tidied first;
    `terms`, when given, each story's `words.story_terms` (or None), worked out ahead.
    Later batches of one import pass `settle=False`: the first settled what earlier imports
    left, and what this import's batches wrote has all committed.
    """
    if settle:
        tidy(folder, committed)
    ahead = terms if terms is not None else [None] * len(metas)
    texts = [
        StoryText(
            m["id"], m["title"], b["paragraphs"], m["source"], m["published"], m["segment"], t
        )
        for m, b, t in zip(metas, bodies, ahead, strict=True)
    ]
    if texts:
        write_segments(folder, texts)
