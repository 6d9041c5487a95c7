"""Answer a query over a library: words, sources and dates from the index, flags from marks.

Words are looked up in the segments; sources and published times are columns the segments
carry, gathered into library order once per version of the library (no story's metadata is
read for them). Read and starred come from the marks, which change between keystrokes.
Phrases are checked last, on the stories left (see phrases.py).
"""

from __future__ import annotations

import fcntl
import os
import time
import weakref
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from newsreader.query import DateRange, Query
from newsreader.search.columns import StoryText
from newsreader.search.phrases import PhraseCheck
from newsreader.search.segments import (
    FOLDER,
    Segment,
    open_segment,
    segment_names,
    tidy,
    write_segments,
)
from newsreader.search.tokens import fold, word_key
from newsreader.storage import FILE_MODE

if TYPE_CHECKING:
    from newsreader.library import Library

Positions = npt.NDArray[np.int64]
_LOCK = "import.lock"  # the library's import lock: segments change only under it


@dataclass(frozen=True)
class Found:
    """The answer to a query: matching story ids in library order (newest dumps first)."""

    ids: list[str]
    # False when a time limit stopped phrase checking: `ids` then holds the matches among the
    # stories checked, which are those sharing a body file with the newest candidates first.
    complete: bool


def _positions_of(stories: Sequence[Any]) -> Mapping[str, int]:
    """Story id -> position in library order, without making a StoryMeta per story."""
    # The catalog's story table keeps this map; a plain list of metadata (older catalogs,
    # tests) is walked instead.
    positions = getattr(stories, "positions", None)
    if positions is not None:
        return positions  # type: ignore[no-any-return]
    return {story.id: number for number, story in enumerate(stories)}


class SearchIndex:
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
            columns, get = segment.columns, where.get
            positions = np.fromiter((get(sid, -1) for sid in columns.ids), np.int64)
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

    def missing(self) -> list[int]:
        """Positions of the stories no segment holds (libraries made before the index)."""
        return np.flatnonzero(~self.covered).tolist()

    def holding(self, keys: Sequence[int]) -> Positions:
        """Positions of the stories holding every word in `keys`, ascending."""
        found = [positions[segment.matching(keys)] for segment, positions in self._maps]
        result = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        return result[result >= 0]

    def search(self, library: Library, query: Query, deadline: float | None = None) -> Found:
        """The stories of `library` matching `query`, in library order.

        Past `deadline` (a time.monotonic() value) phrases stop being checked (see `Found`).
        """
        self.refresh(library.catalog.stories)
        include, exclude = query.include, query.exclude
        if include.has_text:
            needed = (*include.words, *(word for phrase in include.phrases for word in phrase))
            candidates = self.holding([word_key(word) for word in dict.fromkeys(needed)])
        else:
            candidates = np.flatnonzero(self.covered)
        for word in exclude.words:
            candidates = candidates[~np.isin(candidates, self.holding([word_key(word)]))]
        candidates = self._by_source(candidates, include.sources, exclude.sources)
        if include.feeds or exclude.feeds:
            candidates = self._by_feed(library, candidates, include.feeds, exclude.feeds)
        if include.titles or exclude.titles:
            candidates = self._by_title(library, candidates, include.titles, exclude.titles)
        if include.tags or exclude.tags:
            candidates = self._by_tag(library, candidates, include.tags, exclude.tags)
        candidates = candidates[
            _dates_pass(self.published[candidates], include.dates, exclude.dates)
        ]
        for field, wanted in (("read", query.read), ("starred", query.starred)):
            if wanted is not None:
                candidates = candidates[self._marked(library, field)[candidates] == wanted]
        ids = [self.ids[p] or "" for p in candidates.tolist()]
        if not (include.phrases or exclude.phrases):
            return Found(ids, True)
        unwanted = [
            (phrase, set(self.holding([word_key(w) for w in set(phrase)]).tolist()))
            for phrase in exclude.phrases
        ]
        check = PhraseCheck(library, include.phrases, unwanted, self.body)
        verdicts = check.run(candidates.tolist(), deadline)
        found = [sid for sid, verdict in zip(ids, verdicts, strict=True) if verdict]
        return Found(found, None not in verdicts)

    def _marked(self, library: Library, field: str) -> npt.NDArray[np.bool_]:
        """Which stories, by position, have the mark `field` set."""
        # From the marks, which are few next to the stories, rather than story by story.
        marked = np.zeros(len(self.ids), dtype=bool)
        where = self._where
        marked[[where[sid] for sid, on in library.marks.items(field) if on and sid in where]] = True
        return marked

    def _by_source(
        self, candidates: Positions, include: Sequence[str], exclude: Sequence[str]
    ) -> Positions:
        if not (include or exclude):
            return candidates
        allowed = [
            all(s in name for s in include) and not any(s in name for s in exclude)
            for name in self.source_names
        ]
        table = np.array([*allowed, False], dtype=bool)  # -1, a story not indexed: last entry
        kept: Positions = candidates[table[self.source[candidates]]]
        return kept

    def _by_title(
        self,
        library: Library,
        candidates: Positions,
        include: Sequence[str],
        exclude: Sequence[str],
    ) -> Positions:
        """The candidates whose title holds every `include` and no `exclude`."""
        known = library.catalog.by_id

        def wanted(position: int) -> bool:
            meta = known.get(self.ids[position] or "")
            title = fold(meta.title) if meta is not None else ""
            return all(t in title for t in include) and not any(t in title for t in exclude)

        keep = np.array([wanted(p) for p in candidates.tolist()], dtype=bool)
        kept: Positions = candidates[keep] if candidates.size else candidates
        return kept

    def _by_feed(
        self,
        library: Library,
        candidates: Positions,
        include: Sequence[str],
        exclude: Sequence[str],
    ) -> Positions:
        """The candidates from a subscription named by every `include`, by no `exclude`."""
        from newsreader.feeds.subscriptions import feed_names

        names = feed_names(library.folder)
        table = library.catalog.stories

        def wanted(dump: str) -> bool:
            known = names.get(dump)
            if known is None:
                if not dump.startswith(("http://", "https://")):
                    return not include  # a dump file's story: from no feed at all
                known = [fold(dump)]  # a feed unsubscribed since
            return all(any(s in n for n in known) for s in include) and not any(
                s in n for s in exclude for n in known
            )

        allowed = np.array([wanted(name) for name in table.dumps] + [False], dtype=bool)
        where = [table.positions.get(self.ids[p] or "", -1) for p in candidates.tolist()]
        numbers = np.array([table.dump[p] if p >= 0 else -1 for p in where], dtype=np.int64)
        kept: Positions = candidates[allowed[numbers]]
        return kept

    def _by_tag(
        self,
        library: Library,
        candidates: Positions,
        include: Sequence[str],
        exclude: Sequence[str],
    ) -> Positions:
        """The candidates tagged with every `include` and no `exclude` (own or inherited)."""
        from newsreader.library.tags import Tags

        tags = Tags(library, strict=True)  # as feed: does, a damaged feeds.json is said
        table = library.catalog.stories
        numbers: npt.NDArray[np.int64] | None = None  # each candidate's dump, when needed

        def tagged(name: str) -> npt.NDArray[np.bool_]:
            nonlocal numbers
            own_ids = [sid for sid, have in tags.own.items() if name in have]
            own = [self._where[sid] for sid in own_ids if sid in self._where]
            found = np.isin(candidates, np.array(own, dtype=np.int64))
            sources = {source for source, have in tags.of_source.items() if name in have}
            if sources:
                allowed = [n.strip() in sources for n in self.source_names] + [False]
                found |= np.array(allowed, dtype=bool)[self.source[candidates]]
            feeds = {key for key, have in tags.of_feed.items() if name in have}
            if feeds:
                if numbers is None:
                    where = [
                        table.positions.get(self.ids[p] or "", -1) for p in candidates.tolist()
                    ]
                    numbers = np.array([table.dump[p] if p >= 0 else -1 for p in where], np.int64)
                allowed = [dump in feeds for dump in table.dumps] + [False]
                found |= np.array(allowed, dtype=bool)[numbers]
            return found

        keep = np.ones(candidates.size, dtype=bool)
        for name in include:
            keep &= tagged(name)
        for name in exclude:
            keep &= ~tagged(name)
        kept: Positions = candidates[keep]
        return kept


def _dates_pass(
    published: npt.NDArray[np.float64], include: Sequence[DateRange], exclude: Sequence[DateRange]
) -> npt.NDArray[np.bool_]:
    """Which published times (NaN: unknown) fall in every range of `include`, none of `exclude`."""
    keep = np.ones(published.size, dtype=bool)
    for span, wanted in [(r, True) for r in include] + [(r, False) for r in exclude]:
        inside = ~np.isnan(published)
        if span.start is not None:
            inside &= published >= span.start.timestamp()
        if span.end is not None:
            inside &= published < span.end.timestamp()
        keep &= inside if wanted else ~inside
    return keep


_indexes: weakref.WeakKeyDictionary[Library, SearchIndex] = weakref.WeakKeyDictionary()


def index_of(library: Library) -> SearchIndex:
    """The search index of `library`, opened once per Library object."""
    index = _indexes.get(library)
    if index is None:
        index = _indexes[library] = SearchIndex(library.folder)
    return index


def search(library: Library, query: Query) -> list[str]:
    """Ids of the stories matching `query` (hidden duplicates too), in library order."""
    return search_for(library, query).ids


def search_for(library: Library, query: Query, seconds: float | None = None) -> Found:
    """Like `search`, but phrase checking stops after about `seconds` (see `Found.complete`).

    Stories imported before the library had a search index are indexed first (once).
    """
    deadline = None if seconds is None else time.monotonic() + seconds
    index = index_of(library)
    index.refresh(library.catalog.stories)
    if index.missing():
        ensure_indexed(library)
    return index.search(library, query, deadline)


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
        stories = library.catalog.stories
        index.refresh(stories)
        metas = sorted((stories[p] for p in index.missing()), key=lambda meta: meta.segment)
        texts = [
            StoryText(
                meta.id,
                meta.title,
                tuple(library.catalog.body(meta).get("paragraphs", ())),  # file by file
                meta.source,
                meta.published,
                meta.segment,
            )
            for meta in metas
        ]
        tidy(library.folder, library.catalog.by_id)
        write_segments(library.folder, texts)
    finally:
        os.close(fd)
    index.refresh(library.catalog.stories)
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
    `terms`, when given, each story's `tokens.story_terms` (or None), worked out ahead.
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
