"""Story metadata as columns: every story in library order, each StoryMeta made when asked for.

The columns come from the catalog's segments (see segment_columns.py): each story's document
stays in its segment file, read through mmap and decoded only when that story is asked for.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt
import orjson

from newsreader.library.byte_columns import Bytes, Positions, Texts

if TYPE_CHECKING:
    from newsreader.library.titles import FoldedTitles

COLUMNS = {
    "start": np.int64,  # where each story's document starts and ends in its buffer
    "end": np.int64,
    "part": np.int32,  # which buffer of `docs` holds it (the catalog segment)
    "dump": np.int32,  # the dump's number in `dumps`
    "match": np.int32,  # the position of the story it repeats, or -1
    "rank": np.int32,  # its place in `shown_first` order over the whole library
}


@dataclass(slots=True)
class StoryMeta:
    """What the list shows of a story; its body stays on disk until it is opened."""

    id: str
    title: str
    source: str
    age: str
    published: str | None
    authors: tuple[str, ...]
    role: str
    main_id: str | None
    dump: str
    url: str | None
    words: int
    match: str | None  # the story this one was found to repeat when it was imported
    segment: str
    order: int  # position in the library: dumps newest first, each main before its related
    body_at: tuple[int, int] | None = None  # the body's bytes in its segment file, if known


def meta_from(doc: dict[str, Any], dump: str, order: int) -> StoryMeta:
    """The StoryMeta of one story document of library.json."""
    return StoryMeta(
        id=doc["id"],
        title=doc.get("title", ""),
        source=doc.get("source", ""),
        age=doc.get("age", ""),
        published=doc.get("published"),
        authors=tuple(doc.get("authors", ())),
        role=doc.get("role", "main"),
        main_id=doc.get("main_id"),
        dump=dump,
        url=doc.get("url"),
        words=int(doc.get("words", 0)),
        match=doc.get("match"),
        segment=doc.get("segment", ""),
        order=order,
        body_at=_span(doc.get("body_at")),
    )


def _span(value: Any) -> tuple[int, int] | None:
    """A [start, end] byte range as a tuple; None for anything else (older libraries)."""
    if type(value) is list and len(value) == 2:
        start, end = value
        if type(start) is int and type(end) is int and 0 <= start <= end:
            return (start, end)
    return None


def shown_first(story: StoryMeta) -> tuple[int, str, str]:
    """Sort key, smallest first, for the version shown: most words, then earliest published.

    The most complete version is the one a reader loses least by reading; among equals the
    first published is the original. The id breaks the last ties so every run agrees.
    """
    return (-story.words, story.published or "9999", story.id)


class StoryTable(Sequence[StoryMeta]):
    """Every story in library order, each StoryMeta made the first time it is asked for.

    Besides the stories, it holds what grouping needs of all of them as arrays: `match` (the
    position of the story each one repeats, -1 for none) and `rank` (its place in the order
    of `shown_first` over the whole library). Ids, dump names and times are byte columns
    (see byte_columns.py): no Python object per story until one is asked for.
    """

    def __init__(
        self,
        ids: Bytes,
        dumps: Bytes,
        columns: Mapping[str, npt.NDArray[Any]],
        docs: Sequence[bytes | mmap.mmap] = (),
        captured: Bytes | None = None,
        id_order: npt.NDArray[np.int64] | None = None,  # the ids' byte order, if known
    ) -> None:
        self.id_column = ids
        self.ids: Sequence[str] = Texts(ids)
        self.dumps: Sequence[str] = Texts(dumps)
        # When each dump's page was saved (ISO 8601 UTC): the time of its undated stories.
        self.captured: Sequence[str] = Texts(
            captured if captured is not None else np.zeros(len(dumps), "S1")
        )
        self.positions = Positions(ids, id_order)
        self.start = columns["start"]
        self.end = columns["end"]
        self.dump = columns["dump"]
        self.match = columns["match"]
        self.rank = columns["rank"]
        self.part = columns.get("part", np.zeros(len(ids), dtype=np.int32))
        self._docs = docs
        # Only the stories asked for: a list of a million Nones alone would take 8 MB.
        self._made: dict[int, StoryMeta] = {}
        # Every story's folded title, for `title:` (the catalog's tables have them).
        self.titles: FoldedTitles | None = None

    @classmethod
    def empty(cls) -> StoryTable:
        """A table of no stories."""
        nothing = np.zeros(0, "S1")
        return cls(nothing, nothing, {key: np.zeros(0, dtype) for key, dtype in COLUMNS.items()})

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> StoryMeta: ...
    @overload
    def __getitem__(self, index: slice) -> list[StoryMeta]: ...
    def __getitem__(self, index: int | slice) -> StoryMeta | list[StoryMeta]:
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.ids)
        made = self._made.get(index)
        if made is None:
            docs = self._docs[int(self.part[index])]
            doc = orjson.loads(docs[int(self.start[index]) : int(self.end[index])])
            made = meta_from(doc, self.dumps[int(self.dump[index])], index)
            self._made[index] = made
        return made

    def __iter__(self) -> Iterator[StoryMeta]:
        for number in range(len(self.ids)):
            yield self[number]


class StorySelection(Sequence[StoryMeta]):
    """Some stories of a StoryTable, in library order, made as they are asked for."""

    def __init__(self, table: StoryTable, positions: npt.NDArray[np.int64]) -> None:
        self._table = table
        self._positions = positions  # ascending positions in the table

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> StoryMeta: ...
    @overload
    def __getitem__(self, index: slice) -> list[StoryMeta]: ...
    def __getitem__(self, index: int | slice) -> StoryMeta | list[StoryMeta]:
        if isinstance(index, slice):
            return [self._table[number] for number in self._positions[index].tolist()]
        return self._table[int(self._positions[index])]

    def __iter__(self) -> Iterator[StoryMeta]:
        for number in self._positions.tolist():
            yield self._table[number]

    def __eq__(self, other: object) -> bool:
        # Compares like the list it stands for.
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def ids(self) -> list[str]:
        """The ids of the stories, in order (no story is made)."""
        table_ids = self._table.ids
        return [table_ids[number] for number in self._positions.tolist()]

    def index_of(self, story_id: str) -> int | None:
        """Where the story is in this selection, if it is in it (no story is made)."""
        number = self._table.positions.get(story_id)
        if number is None:
            return None
        at = int(np.searchsorted(self._positions, number))
        found = at < len(self._positions) and int(self._positions[at]) == number
        return at if found else None


class StoryIndex(Mapping[str, StoryMeta]):
    """The stories of a StoryTable by id."""

    def __init__(self, table: StoryTable) -> None:
        self._table = table

    def __getitem__(self, story_id: str) -> StoryMeta:
        return self._table[self._table.positions[story_id]]

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._table.positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._table.positions)

    def __len__(self) -> int:
        return len(self._table.positions)
