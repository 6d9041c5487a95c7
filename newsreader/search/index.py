"""Answer a query over a library: words and phrases from the index, the rest from arrays.

Words and phrases are looked up in the segments (see segments.py); a phrase of two or more
words matches a story holding each of its consecutive word pairs — exact for two words, and for
longer phrases the pairs are almost always found together. Sources and dates are checked on
arrays built once per version of the library; read and starred on the marks, which change
between keystrokes.
"""

from __future__ import annotations

import fcntl
import os
import weakref
from collections.abc import Container, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from newsreader.query import Query, Terms, parse_published
from newsreader.search.segments import (
    FOLDER,
    Segment,
    StoryText,
    open_segment,
    segment_names,
    tidy,
    write_segments,
)
from newsreader.search.tokens import fold, phrase_keys, word_key
from newsreader.storage import FILE_MODE

if TYPE_CHECKING:
    from newsreader.library import Library, StoryMeta

Positions = npt.NDArray[np.int64]
_LOCK = "import.lock"  # the library's import lock: segments change only under it


class _Catalog:
    """What one version of the catalog (one list of stories) says about sources and dates."""

    def __init__(self, stories: list[StoryMeta]) -> None:
        codes: dict[str, int] = {}
        self.source = np.fromiter(
            (codes.setdefault(fold(s.source), len(codes)) for s in stories), np.int32, len(stories)
        )
        self.source_names = list(codes)
        stamps = (parse_published(s.published) for s in stories)
        self.published = np.fromiter(
            (np.nan if when is None else when.timestamp() for when in stamps),
            np.float64,
            len(stories),
        )


class SearchIndex:
    """The search segments of one library folder, opened, and the arrays derived from them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._segments: dict[str, Segment] = {}
        self._maps: list[tuple[Segment, Positions]] = []
        self._covered = np.zeros(0, dtype=bool)
        self._key: tuple[int, int] | None = None
        self._stories: list[StoryMeta] | None = None
        self._catalog: _Catalog | None = None

    def _folder_stamp(self) -> int:
        try:
            return (self.folder / FOLDER).stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def refresh(self, stories: list[StoryMeta]) -> None:
        """Open new segments and map their stories onto `stories` (the catalog's list)."""
        key = (id(stories), self._folder_stamp())
        if key == self._key and self._stories is stories:
            return
        names = segment_names(self.folder)
        opened = {n: self._segments.get(n) or open_segment(self.folder, n) for n in names}
        self._segments = {n: s for n, s in opened.items() if s is not None}
        by_id = {story.id: story.order for story in stories}
        self._maps = []
        self._covered = np.zeros(len(stories), dtype=bool)
        for segment in self._segments.values():
            get = by_id.get
            positions = np.fromiter((get(sid, -1) for sid in segment.ids), np.int64)
            self._maps.append((segment, positions))
            self._covered[positions[positions >= 0]] = True
        if self._stories is not stories:
            self._catalog = None
        self._key, self._stories = key, stories

    def missing(self) -> list[int]:
        """Positions of the stories no segment holds (libraries made before the index)."""
        return np.flatnonzero(~self._covered).tolist()

    def _text(self, terms: Terms, require_all: bool) -> Positions:
        """Positions holding every term (`require_all`) or any term of `terms`, ascending."""
        groups = [[word_key(w)] for w in terms.words] + [phrase_keys(p) for p in terms.phrases]
        if require_all:
            groups = [[key for group in groups for key in group]]
        found = []
        for segment, positions in self._maps:
            for keys in groups:
                local = segment.matching(keys)
                if local.size:
                    found.append(positions[local])
        if not found:
            return np.zeros(0, dtype=np.int64)
        result = np.unique(np.concatenate(found))
        return result[result >= 0]

    def search(self, library: Library, query: Query) -> list[str]:
        """Ids of the stories of `library` matching `query`, in library order."""
        stories = library.catalog.stories
        self.refresh(stories)
        if query.include.has_text:
            candidates = self._text(query.include, require_all=True)
        else:
            candidates = np.arange(len(stories), dtype=np.int64)
        if query.exclude.has_text and candidates.size:
            excluded = self._text(query.exclude, require_all=False)
            candidates = candidates[~np.isin(candidates, excluded, assume_unique=True)]
        candidates = self._filter_meta(candidates, query)
        ids = [stories[p].id for p in candidates.tolist()]
        if query.read is not None:
            ids = [sid for sid in ids if library.is_read(sid) == query.read]
        if query.starred is not None:
            ids = [sid for sid in ids if library.is_starred(sid) == query.starred]
        return ids

    def _filter_meta(self, candidates: Positions, query: Query) -> Positions:
        """Keep the candidates whose source and published time pass the query."""
        include, exclude = query.include, query.exclude
        if not (include.sources or exclude.sources or include.dates or exclude.dates):
            return candidates
        assert self._stories is not None
        if self._catalog is None:
            self._catalog = _Catalog(self._stories)
        catalog = self._catalog
        if include.sources or exclude.sources:
            allowed = np.array(
                [
                    all(s in name for s in include.sources)
                    and not any(s in name for s in exclude.sources)
                    for name in catalog.source_names
                ]
                + [False],
                dtype=bool,
            )
            candidates = candidates[allowed[catalog.source[candidates]]]
        published = catalog.published[candidates]
        keep = np.ones(candidates.size, dtype=bool)
        for span in include.dates:
            keep &= ~np.isnan(published)
            if span.start is not None:
                keep &= published >= span.start.timestamp()
            if span.end is not None:
                keep &= published < span.end.timestamp()
        for span in exclude.dates:
            inside = ~np.isnan(published)
            if span.start is not None:
                inside &= published >= span.start.timestamp()
            if span.end is not None:
                inside &= published < span.end.timestamp()
            keep &= ~inside
        return candidates[keep]


_indexes: weakref.WeakKeyDictionary[Library, SearchIndex] = weakref.WeakKeyDictionary()


def index_of(library: Library) -> SearchIndex:
    """The search index of `library`, opened once per Library object."""
    index = _indexes.get(library)
    if index is None:
        index = _indexes[library] = SearchIndex(library.folder)
    return index


def search(library: Library, query: Query) -> list[str]:
    """Ids of the stories matching `query` (hidden duplicates too), in library order.

    Stories imported before the library had a search index are indexed first (once).
    """
    index = index_of(library)
    if query.include.has_text or query.exclude.has_text:
        index.refresh(library.catalog.stories)
        if index.missing():
            ensure_indexed(library)
    return index.search(library, query)


def ensure_indexed(library: Library) -> int:
    """Index the stories no segment holds yet; return how many (0 but for older libraries)."""
    index = index_of(library)
    index.refresh(library.catalog.stories)
    if not index.missing():
        return 0
    fd = os.open(library.folder / _LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the same lock as imports: one writer at a time
        library.refresh()
        index.refresh(library.catalog.stories)
        stories = [library.catalog.stories[p] for p in index.missing()]
        stories.sort(key=lambda meta: meta.segment)  # each body file is read once
        texts = [(s.id, s.title, _paragraphs(library, s)) for s in stories]
        add_stories(library.folder, texts, library.catalog.by_id)
    finally:
        os.close(fd)
    index.refresh(library.catalog.stories)
    return len(stories)


def _paragraphs(library: Library, meta: StoryMeta) -> Sequence[str]:
    paragraphs: Iterable[str] = library.catalog.body(meta).get("paragraphs", ())
    return tuple(paragraphs)


def add_stories(folder: Path, stories: Sequence[StoryText], committed: Container[str]) -> None:
    """Index stories about to be committed; call with the import lock held, before committing.

    `committed` lists the stories already in the library: segments are tidied against it first.
    """
    tidy(folder, committed)
    if stories:
        write_segments(folder, stories)
