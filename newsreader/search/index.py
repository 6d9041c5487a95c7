"""Answer a query over a library: words, sources and dates from the index, flags from marks.

Words are looked up in the segments; sources and published times are columns the segments
carry, gathered into library order once per version of the library (no story's metadata is
read for them). Read and starred come from the marks, which change between keystrokes.
Phrases are checked last, on the stories left (see phrases.py).
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

import numpy as np
import numpy.typing as npt

from newsreader.library.mark_masks import MarkMasks
from newsreader.library.search_index import Positions, SegmentIndex
from newsreader.query import DateRange, Query
from newsreader.search.phrases import PhraseCheck, Verdicts
from newsreader.words import fold, word_key

if TYPE_CHECKING:
    from newsreader.library.titles import FoldedTitles
    from newsreader.search.searchable import Searchable

_TITLES_KEPT = 8  # title terms whose matches are kept


class StoryIds(Sequence[str]):
    """The ids of the stories at some positions, made only as they are read: a query matching
    a million stories answers without a million strings, and a count is a length."""

    def __init__(self, ids: list[str | None], positions: Positions, stories: object = None) -> None:
        self._ids = ids  # the index's ids by position (a new list when they are gathered again)
        self.positions = positions
        self.stories = stories  # the catalog's story table the positions are places in

    def __len__(self) -> int:
        return int(self.positions.size)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._ids[p] or "" for p in self.positions[index].tolist()]
        return self._ids[int(self.positions[index])] or ""

    def __iter__(self) -> Iterator[str]:
        ids = self._ids
        return (ids[p] or "" for p in self.positions.tolist())

    def __eq__(self, other: object) -> bool:
        # Compares like the list it stands for.
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoryIds({list(self)!r})"


@dataclass(frozen=True)
class Found:
    """The answer to a query: matching story ids in library order (newest dumps first)."""

    ids: StoryIds
    # False when a time limit stopped phrase checking: `ids` then holds the matches among the
    # stories checked, which are those sharing a body file with the newest candidates first.
    complete: bool


class SearchIndex(SegmentIndex):
    """A library's search index, and the answers to queries over it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        # The last phrases checked and the verdicts on the stories checked, by position:
        # typing that pauses asks again for what a search as one types has just read.
        self._checked: tuple[Hashable, Verdicts | None] = ((), None)
        # Each mark's stories as a mask by position: a query on `unread` then costs no pass
        # over the marks, only over those changed since.
        self._masks = MarkMasks()
        # The catalog's dumps named by a URL, by number, and the list they were found in
        # (held, so that its id is not taken by another list).
        self._feeds: tuple[Hashable, dict[str, list[int]], Sequence[str]] = ((), {}, [])
        # The stories whose title holds each of the last terms asked for, by position, and
        # the build they are of: a query typed on after `title:x` asks for x again.
        self._titles: tuple[int, OrderedDict[str, npt.NDArray[np.bool_] | None]] = (
            -1,
            OrderedDict(),
        )

    def search(self, library: Searchable, query: Query, deadline: float | None = None) -> Found:
        """The stories of `library` matching `query`, in library order.

        Past `deadline` (a time.monotonic() value) phrases stop being checked (see `Found`).
        """
        stories = library.catalog.stories
        self.refresh(stories)
        include, exclude = query.include, query.exclude
        if include.has_text:
            needed = (*include.words, *(word for phrase in include.phrases for word in phrase))
            keep = self.holding_mask([word_key(word) for word in dict.fromkeys(needed)])
        else:
            keep = self.covered.copy()
        for word in exclude.words:
            keep &= ~self.holding_mask([word_key(word)])
        candidates = np.flatnonzero(keep)
        candidates = self._by_source(candidates, include.sources, exclude.sources)
        if include.feeds or exclude.feeds:
            candidates = self._by_feed(library, candidates, include.feeds, exclude.feeds)
        if include.titles or exclude.titles:
            candidates = self._by_title(library, candidates, include.titles, exclude.titles)
        if include.tags or exclude.tags:
            candidates = self._by_tag(library, candidates, include.tags, exclude.tags)
        if include.dates or exclude.dates:
            candidates = candidates[
                _dates_pass(self.published[candidates], include.dates, exclude.dates)
            ]
        for field, wanted in (("read", query.read), ("starred", query.starred)):
            if wanted is not None:
                candidates = candidates[self._marked(library, field)[candidates] == wanted]
        if not (include.phrases or exclude.phrases):
            return Found(StoryIds(self.ids, candidates, stories), True)
        unwanted = [
            (phrase, self.holding_mask([word_key(w) for w in set(phrase)]))
            for phrase in exclude.phrases
        ]
        check = PhraseCheck(library, include.phrases, unwanted, self.body)
        verdicts = check.run(candidates, deadline, self._verdicts(query))
        found = StoryIds(self.ids, candidates[verdicts == 1], stories)
        return Found(found, not (verdicts < 0).any())

    def forget(self) -> None:
        """Forget the phrase verdicts and title matches kept: the next search reads every
        candidate's text again, and scans the titles."""
        self._checked = ((), None)
        self._titles = (-1, OrderedDict())

    def _title_mask(self, titles: FoldedTitles, term: str) -> npt.NDArray[np.bool_] | None:
        """Which stories, by position, have a title holding `term` (None: not answerable)."""
        if self._titles[0] != self.builds:
            self._titles = (self.builds, OrderedDict())
        kept = self._titles[1]
        if term not in kept:
            kept[term] = titles.mask(term)
            while len(kept) > _TITLES_KEPT:
                kept.popitem(last=False)
        kept.move_to_end(term)
        return kept[term]

    def _verdicts(self, query: Query) -> Verdicts:
        """The verdicts known on the phrases of `query`, by position (see PhraseCheck.run)."""
        # Positions hold while the columns are not gathered again; story text never changes.
        key = (self.builds, query.include.phrases, query.exclude.phrases)
        known = self._checked[1]
        if self._checked[0] != key or known is None:
            known = Verdicts(len(self.ids))
            self._checked = (key, known)
        return known

    def _marked(self, library: Searchable, field: str) -> npt.NDArray[np.bool_]:
        """Which stories, by position, have the mark `field` set."""
        marks = library.marks
        key = (self.builds, id(marks))
        return self._masks.mask(marks, field, self._where, len(self.ids), key)

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
        library: Searchable,
        candidates: Positions,
        include: Sequence[str],
        exclude: Sequence[str],
    ) -> Positions:
        """The candidates whose title holds every `include` and no `exclude`."""
        titles = getattr(library.catalog.stories, "titles", None)
        if titles is not None and len(titles) == len(self.ids):
            keep = np.ones(len(self.ids), dtype=bool)
            for term, wanted in [(t, True) for t in include] + [(t, False) for t in exclude]:
                holds = self._title_mask(titles, term)
                if holds is None:  # a term the column cannot answer: story by story
                    return self._by_title_read(library, candidates, include, exclude)
                keep &= holds if wanted else ~holds
            kept: Positions = candidates[keep[candidates]]
            return kept
        return self._by_title_read(library, candidates, include, exclude)

    def _by_title_read(
        self,
        library: Searchable,
        candidates: Positions,
        include: Sequence[str],
        exclude: Sequence[str],
    ) -> Positions:
        """`_by_title` on each candidate's metadata (tables made without folded titles)."""
        known = library.catalog.by_id

        def wanted(position: int) -> bool:
            meta = known.get(self.ids[position] or "")
            title = fold(meta.title) if meta is not None else ""
            return all(t in title for t in include) and not any(t in title for t in exclude)

        keep = np.array([wanted(p) for p in candidates.tolist()], dtype=bool)
        found: Positions = candidates[keep] if candidates.size else candidates
        return found

    def _by_feed(
        self,
        library: Searchable,
        candidates: Positions,
        include: Sequence[str],
        exclude: Sequence[str],
    ) -> Positions:
        """The candidates from a subscription named by every `include`, by no `exclude`."""
        from newsreader.library.subscriptions import feed_names

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

        # Only a feed's dumps (named by its URL) can differ from a dump file's: those are
        # looked at, not the hundreds of thousands of dump files of a big library.
        dumps = table.dumps
        allowed = np.full(len(dumps) + 1, not include, dtype=bool)
        allowed[-1] = False  # -1: a story the catalog does not list
        by_url = self._feed_dumps(dumps)
        for key in (k for k in names if "://" not in k):  # a key not a URL, should there be one
            for number in (n for n, dump in enumerate(dumps) if dump == key):
                allowed[number] = wanted(key)
        for dump, numbers in by_url.items():
            allowed[numbers] = wanted(dump)
        kept: Positions = candidates[allowed[self._dump_numbers(library, candidates)]]
        return kept

    def _feed_dumps(self, dumps: Sequence[str]) -> dict[str, list[int]]:
        """The numbers of the catalog's dumps named by a URL (a feed's: each fetch is one),
        by name; made once per list."""
        if self._feeds[0] != (id(dumps), len(dumps)):
            found: dict[str, list[int]] = {}
            for number, dump in enumerate(dumps):
                if "://" in dump:
                    found.setdefault(dump, []).append(number)
            self._feeds = ((id(dumps), len(dumps)), found, dumps)
        return self._feeds[1]

    def _dump_numbers(self, library: Searchable, candidates: Positions) -> npt.NDArray[np.int64]:
        """Each candidate's dump, as its number in the catalog's `dumps` (-1: not in it)."""
        # Positions are the catalog's: a story the index holds is at the same place there.
        table = library.catalog.stories
        dumps = np.asarray(table.dump, dtype=np.int64)[candidates]
        return np.where(self.covered[candidates], dumps, -1)

    def _by_tag(
        self,
        library: Searchable,
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
            own = np.zeros(len(self.ids), dtype=bool)
            own[[self._where[sid] for sid in own_ids if sid in self._where]] = True
            found = own[candidates]
            sources = {source for source, have in tags.of_source.items() if name in have}
            if sources:
                allowed = [n.strip() in sources for n in self.source_names] + [False]
                found |= np.array(allowed, dtype=bool)[self.source[candidates]]
            feeds = {key for key, have in tags.of_feed.items() if name in have}
            if feeds:
                if numbers is None:
                    numbers = self._dump_numbers(library, candidates)
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


_indexes: weakref.WeakKeyDictionary[Searchable, SearchIndex] = weakref.WeakKeyDictionary()


def index_of(library: Searchable) -> SearchIndex:
    """The search index of `library`, opened once per library object."""
    index = _indexes.get(library)
    if index is None:
        index = _indexes[library] = SearchIndex(library.folder)
    return index


def find(library: Searchable, query: Query, seconds: float | None = None) -> Found:
    """The stories of `library` matching `query` (hidden duplicates too), in library order:
    the one way into search, for the app, the command line and mute rules alike.

    With `seconds`, phrase checking stops after about that long (see `Found.complete`);
    a later search with the same phrases reads only the stories not checked yet. Stories
    imported before the library had a search index are indexed first (once).
    """
    deadline = None if seconds is None else time.monotonic() + seconds
    index = index_of(library)
    index.refresh(library.catalog.stories)
    if index.missing():
        library.index_missing(index)
    return index.search(library, query, deadline)


def ensure_indexed(library: Searchable) -> int:
    """Index the stories no segment holds yet; return how many (0 but for older libraries)."""
    return library.index_missing(index_of(library))
