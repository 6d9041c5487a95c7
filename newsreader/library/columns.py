"""Story metadata as columns, and the cache (`catalog.cache`) that makes opening a library fast.

Parsing library.json and building a StoryMeta per story takes seconds at 100,000 stories. The
cache holds, for every story, where its document lies in library.json (read through mmap and
decoded only when that story is asked for) and the few columns that grouping reads for all of
them. It is derived data, named after the library.json it was made from (inode, size, mtime):
one that does not match, or does not read back whole, is made again, and deleting it loses
nothing. Should a library.json not hold each document as orjson writes it, the cache holds
copies of the documents instead.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import orjson

from newsreader.storage import FILE_MODE

CACHE_FILE = "catalog.cache"
LIBRARY_FILE = "library.json"
_MAGIC = b"newsreader catalog cache 1\n"
_COLUMNS = {
    "start": np.int64,  # where each story's document starts and ends in the documents
    "end": np.int64,
    "dump": np.int32,  # the dump's number in `dumps`
    "match": np.int32,  # the position of the story it repeats, or -1
    "rank": np.int32,  # its place in `shown_first` order over the whole library
}

Stamp = tuple[int, int, int]
Ints = npt.NDArray[np.int64]


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
    of `shown_first` over the whole library).
    """

    def __init__(
        self,
        ids: list[str],
        dumps: list[str],
        columns: Mapping[str, npt.NDArray[Any]],
        docs: bytes | mmap.mmap = b"",
        made: list[StoryMeta] | None = None,
        captured: list[str] | None = None,
    ) -> None:
        self.ids = ids
        self.dumps = dumps
        # When each dump's page was saved (ISO 8601 UTC): the time of its undated stories.
        self.captured = captured if captured is not None else [""] * len(dumps)
        self.positions = {story_id: number for number, story_id in enumerate(ids)}
        self.start = columns["start"]
        self.end = columns["end"]
        self.dump = columns["dump"]
        self.match = columns["match"]
        self.rank = columns["rank"]
        self._docs = docs
        self._made: list[StoryMeta | None] = list(made) if made else [None] * len(ids)

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
        made = self._made[index]
        if made is None:
            doc = orjson.loads(self._docs[int(self.start[index]) : int(self.end[index])])
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


@dataclass
class Columns:
    """Everything the catalog keeps of library.json: the stories, dump digests, schema."""

    table: StoryTable
    digests: list[str]
    schema: Any  # the `schema` of library.json's _meta table; None when it has none
    copies: bytes | None = None  # the documents, when library.json does not hold them verbatim


def schema_of(data: Mapping[str, Any]) -> Any:
    """The `schema` of library.json's data (its `_meta` table); None when it has none."""
    meta = list(data.get("_meta", {}).values())
    return meta[0].get("schema") if meta else None


def read_raw(path: Path) -> tuple[bytes, Stamp] | None:
    """The bytes of a file and its identity when read; None when it cannot be read."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            return handle.read(), (info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        return None


def build(data: Mapping[str, Any], raw: bytes | None) -> Columns:
    """The columns of library.json's `data`; `raw` is the file's text, if it is that data's."""
    # Hundreds of thousands of new objects, none in a cycle: left on, the cycle collector
    # would walk the whole parsed library.json again and again, doubling the time taken.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(data, raw)
    finally:
        if paused:
            gc.enable()


def _build(data: Mapping[str, Any], raw: bytes | None) -> Columns:
    dumps = list(data.get("dumps", {}).values())
    texts = [(id(doc), orjson.dumps(doc)) for dump in dumps for doc in dump.get("stories", ())]
    spans = _find(raw, texts) if raw is not None else None
    copies = None
    if spans is None:
        spans, at = {}, 0
        for key, text in texts:
            spans[key] = (at, at + len(text))
            at += len(text)
        copies = b"".join(text for _key, text in texts)
    # Newest dump first; dumps saved at the same moment in file-name order.
    dumps.sort(key=lambda dump: dump.get("file", ""))
    dumps.sort(key=_dump_time, reverse=True)
    names: list[str] = []
    captured: list[str] = []
    made: list[StoryMeta] = []
    where: list[tuple[int, int]] = []
    dump_of: list[int] = []
    versions: dict[str, list[tuple[str, str]]] = {}  # story replaced: (when, new version)
    for dump in dumps:
        names.append(dump.get("file", ""))
        captured.append(str(dump.get("captured_at") or ""))
        for doc in dump.get("stories", ()):
            if doc.get("replaces"):
                versions.setdefault(doc["replaces"], []).append((captured[-1], doc["id"]))
            made.append(meta_from(doc, names[-1], len(made)))
            where.append(spans[id(doc)])
            dump_of.append(len(names) - 1)
    ids = [story.id for story in made]
    positions = {story_id: number for number, story_id in enumerate(ids)}
    rank = np.empty(len(made), dtype=np.int32)
    # A story replaced by a newer text of it is shown only when no other version is.
    superseded = set(versions) | {i for v in versions.values() for _, i in sorted(v)[:-1]}
    order = sorted(range(len(made)), key=lambda number: shown_first(made[number]))
    if superseded:
        order.sort(key=lambda number: made[number].id in superseded)  # stable: the rest stays
    rank[order] = np.arange(len(made), dtype=np.int32)
    bounds = np.array(where, dtype=np.int64).reshape(-1, 2)
    columns: dict[str, npt.NDArray[Any]] = {
        "start": bounds[:, 0].copy(),
        "end": bounds[:, 1].copy(),
        "dump": np.array(dump_of, dtype=np.int32),
        "match": np.array([positions.get(s.match, -1) if s.match else -1 for s in made], np.int32),
        "rank": rank,
    }
    table = StoryTable(ids, names, columns, made=made, captured=captured)
    digests = [dump.get("digest", "") for dump in dumps]
    return Columns(table, digests, schema_of(data), copies)


def _find(raw: bytes, texts: Sequence[tuple[int, bytes]]) -> dict[int, tuple[int, int]] | None:
    """Where each text lies in `raw`, searched in order; None when one is not there verbatim."""
    spans, at = {}, 0
    for key, text in texts:
        found = raw.find(text, at)
        if found < 0:
            return None
        spans[key] = (found, found + len(text))
        at = found + len(text)
    return spans


def _dump_time(dump: dict[str, Any]) -> str:
    stories = dump.get("stories") or [{}]
    return str(stories[0].get("published") or dump.get("captured_at") or "")


def save(folder: Path, stamp: Stamp, columns: Columns) -> None:
    """Write the cache for the library.json whose identity is `stamp` (best effort).

    Not fsynced: a cache lost or torn in a crash is detected and made again.
    """
    table = columns.table
    arrays = {name: getattr(table, name).astype(dtype) for name, dtype in _COLUMNS.items()}
    header = {
        "stamp": list(stamp),
        "schema": columns.schema,
        "ids": table.ids,
        "dumps": table.dumps,
        "captured": table.captured,
        "digests": columns.digests,
        "copies": columns.copies is not None,
    }
    head = orjson.dumps(header)
    head += b" " * (-len(head) % 8)  # keeps the arrays after it aligned
    body = [_MAGIC, len(head).to_bytes(8, "little"), head]
    body += [array.tobytes() for array in arrays.values()]
    body.append(columns.copies or b"")
    with contextlib.suppress(OSError, TypeError, ValueError):
        fd, temp = tempfile.mkstemp(prefix=f".{CACHE_FILE}.", suffix=".tmp", dir=folder)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(body)
            os.replace(temp, folder / CACHE_FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def load(folder: Path, stamp: Stamp) -> Columns | None:
    """The cached columns if the cache was made from the library.json of identity `stamp`."""
    try:
        return _parse(_map(folder / CACHE_FILE), folder, stamp)
    except (OSError, ValueError, KeyError, TypeError, IndexError, orjson.JSONDecodeError):
        return None


def _map(path: Path, stamp: Stamp | None = None) -> mmap.mmap:
    with path.open("rb") as handle:
        info = os.fstat(handle.fileno())
        if stamp is not None and (info.st_ino, info.st_size, info.st_mtime_ns) != tuple(stamp):
            raise ValueError(f"{path.name} was replaced")
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _parse(whole: mmap.mmap, folder: Path, stamp: Stamp) -> Columns | None:
    if whole[: len(_MAGIC)] != _MAGIC:
        return None
    at = len(_MAGIC) + 8
    head_size = int.from_bytes(whole[len(_MAGIC) : at], "little")
    header = orjson.loads(whole[at : at + head_size])
    if tuple(header["stamp"]) != tuple(stamp):
        return None
    at += head_size
    ids = header["ids"]
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name, dtype in _COLUMNS.items():
        arrays[name] = np.frombuffer(whole, dtype=dtype, count=len(ids), offset=at)
        at += len(ids) * np.dtype(dtype).itemsize
    if header["copies"]:
        docs = whole
        arrays["start"] = arrays["start"] + at
        arrays["end"] = arrays["end"] + at
    else:
        docs = _map(folder / LIBRARY_FILE, stamp)
    if len(ids) and int(arrays["end"].max()) > len(docs):
        return None  # torn or truncated
    table = StoryTable(ids, header["dumps"], arrays, docs, captured=header["captured"])
    return Columns(table, header["digests"], header["schema"])
