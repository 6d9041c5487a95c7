"""Each catalog segment's stories as columns, cached beside it, and the catalog put together.

Parsing the segments and making a StoryMeta per story takes seconds at 100,000 stories. Each
segment's cache (`catalog/NAME.cache`) holds, for every story of the segment, where its
document lies in the segment file (read through mmap, decoded only when that story is asked
for) and what ordering and grouping need. It is derived data named after the segment file it
was made from (inode, size, mtime): one that does not match, or does not read back whole, is
made again, and deleting it loses nothing. Segments are never rewritten, so a commit makes
only its own segment's columns; `assemble` concatenates them in library order. Should a
segment not hold each document as orjson writes it, its cache holds copies of them instead.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from newsreader.errors import DamagedLibrary
from newsreader.library.byte_columns import byte_order, column, joined, time_keys
from newsreader.library.columns import StoryTable
from newsreader.library.manifest import cache_path, segment_path
from newsreader.library.titles import Blob, Ends, FoldedTitles, folded_title, title_block
from newsreader.storage import FILE_MODE, check_tables

_MAGIC = b"newsreader catalog segment cache 5\n"
# 4: every column an array (strings as byte columns), no Python object per story on open.
# 5: the folded titles, for `title:` (see titles.py).
_ARRAYS = {"start": np.int64, "end": np.int64, "dump": np.int32, "words": np.int32}
# Byte columns: per story, per dump, and of the few stories that repeat or replace another.
_STORY_TEXTS = ("ids", "published")
_DUMP_TEXTS = ("dumps", "captured", "digests", "times")
_SPARSE = ("matches", "replaces")  # each a (positions in the segment, ids) pair

Stamp = tuple[int, int, int]
Bytes = npt.NDArray[np.bytes_]
Sparse = tuple[npt.NDArray[np.int32], Bytes]


@dataclass
class Part:
    """The stories of one catalog segment as columns, in the segment's own order."""

    name: str
    ids: Bytes
    published: Bytes  # each story's published time, "9999" when undated
    dumps: Bytes  # each dump's file name
    captured: Bytes  # when each dump's page was saved
    digests: Bytes
    times: Bytes  # each dump's place in time (its first story's published time)
    matches: Sparse  # the story each one repeats, for those that repeat one
    replaces: Sparse  # the story each one is a new text of, for those that are one
    arrays: dict[str, npt.NDArray[Any]]  # _ARRAYS: span in `docs`, local dump, words
    docs: bytes | mmap.mmap
    titles: tuple[Blob, Ends]  # the folded titles and where each ends (titles.title_block)
    schema: Any = None  # library.json's `_meta` schema, for a legacy segment
    copies: bool = False  # `docs` holds copies of the documents, not the segment file
    mapped: mmap.mmap | None = None  # the cache file the columns are read from

    def __len__(self) -> int:
        return len(self.ids)

    def let_go(self) -> None:
        """Drop the cache file's pages from memory once its columns are copied out (they
        are read again from the file should they be needed)."""
        if self.mapped is not None:
            with contextlib.suppress(OSError, ValueError):
                self.mapped.madvise(mmap.MADV_DONTNEED)


def _part_of(
    name: str,
    texts: Mapping[str, Bytes],
    matches: Sparse,
    replaces: Sparse,
    arrays: dict[str, npt.NDArray[Any]],
    docs: bytes | mmap.mmap,
    titles: tuple[Blob, Ends],
    schema: Any,
) -> Part:
    return Part(
        name,
        ids=texts["ids"],
        published=texts["published"],
        dumps=texts["dumps"],
        captured=texts["captured"],
        digests=texts["digests"],
        times=texts["times"],
        matches=matches,
        replaces=replaces,
        arrays=arrays,
        docs=docs,
        titles=titles,
        schema=schema,
    )


def _sparse(values: Sequence[str]) -> Sparse:
    at = [number for number, value in enumerate(values) if value]
    return np.array(at, dtype=np.int32), column([values[number] for number in at])


def read_raw(path: Path) -> tuple[bytes, Stamp] | None:
    """The bytes of a file and its identity when read; None when it cannot be read."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            return handle.read(), (info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        return None


def schema_of(data: Mapping[str, Any]) -> Any:
    """The `schema` of a TinyDB file's `_meta` table; None when it has none."""
    meta = list(data.get("_meta", {}).values())
    return meta[0].get("schema") if meta else None


def build(name: str, data: Mapping[str, Any], raw: bytes | None) -> Part:
    """The columns of a segment's `data`; `raw` is the file's text, if it is that data's."""
    # Thousands of new objects, none in a cycle: the cycle collector would only walk them.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(name, data, raw)
    finally:
        if paused:
            gc.enable()


def _build(name: str, data: Mapping[str, Any], raw: bytes | None) -> Part:
    lists: dict[str, list[str]] = {key: [] for key in (*_STORY_TEXTS, *_DUMP_TEXTS, *_SPARSE)}
    dump_of: list[int] = []
    words: list[int] = []
    texts: list[bytes] = []
    titles: list[bytes] = []
    for dump in data.get("dumps", {}).values():
        stories = dump.get("stories", ())
        lists["dumps"].append(str(dump.get("file", "")))
        lists["captured"].append(str(dump.get("captured_at") or ""))
        lists["digests"].append(str(dump.get("digest", "")))
        first = stories[0] if stories else {}
        lists["times"].append(str(first.get("published") or dump.get("captured_at") or ""))
        for doc in stories:
            lists["ids"].append(doc["id"])
            lists["published"].append(str(doc.get("published") or "9999"))
            lists["matches"].append(str(doc.get("match") or ""))
            lists["replaces"].append(str(doc.get("replaces") or ""))
            words.append(int(doc.get("words", 0)))
            titles.append(folded_title(doc.get("title", "")))
            dump_of.append(len(lists["dumps"]) - 1)
            texts.append(orjson.dumps(doc))
    part = _part_of(
        name,
        {key: column(lists[key]) for key in (*_STORY_TEXTS, *_DUMP_TEXTS)},
        matches=_sparse(lists["matches"]),
        replaces=_sparse(lists["replaces"]),
        arrays={},
        docs=b"",
        titles=title_block(titles),
        schema=schema_of(data),
    )
    spans = _find(raw, texts) if raw is not None else None
    if spans is None:
        part.copies, at, spans = True, 0, []
        for text in texts:
            spans.append((at, at + len(text)))
            at += len(text)
        part.docs = b"".join(texts)
    else:
        part.docs = raw or b""
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    part.arrays = {
        "start": bounds[:, 0].copy(),
        "end": bounds[:, 1].copy(),
        "dump": np.array(dump_of, dtype=np.int32),
        "words": np.array(words, dtype=np.int32),
    }
    return part


def _find(raw: bytes, texts: Sequence[bytes]) -> list[tuple[int, int]] | None:
    """Where each text lies in `raw`, searched in order; None when one is not there verbatim."""
    spans, at = [], 0
    for text in texts:
        found = raw.find(text, at)
        if found < 0:
            return None
        spans.append((found, found + len(text)))
        at = found + len(text)
    return spans


def _columns(part: Part) -> list[tuple[str, npt.NDArray[Any]]]:
    """Every array of `part` as saved, in order, by name."""
    found: list[tuple[str, npt.NDArray[Any]]] = [
        (key, part.arrays[key].astype(dtype)) for key, dtype in _ARRAYS.items()
    ]
    found += [(key, getattr(part, key)) for key in (*_STORY_TEXTS, *_DUMP_TEXTS)]
    for key in _SPARSE:
        at, ids = getattr(part, key)
        found += [(f"{key}.at", at.astype(np.int32)), (f"{key}.ids", ids)]
    blob, ends = part.titles
    found += [("titles", blob.astype(np.uint8)), ("titles.ends", ends.astype(np.int64))]
    return found


def save(folder: Path, stamp: Stamp, part: Part) -> None:
    """Write the cache of a segment whose file has identity `stamp` (best effort).

    Not fsynced: a cache lost or torn in a crash is detected and made again.
    """
    arrays = _columns(part)
    header: dict[str, Any] = {
        "stamp": list(stamp),
        "schema": part.schema,
        "copies": part.copies,
        "arrays": [[key, array.dtype.str, len(array)] for key, array in arrays],
    }
    head = orjson.dumps(header)
    head += b" " * (-len(head) % 8)  # keeps the arrays after it aligned
    body = [_MAGIC, len(head).to_bytes(8, "little"), head]
    for _key, array in arrays:
        data = array.tobytes()
        body += [data, b"\0" * (-len(data) % 8)]
    body.append(bytes(part.docs) if part.copies else b"")
    target = cache_path(folder, part.name)
    with contextlib.suppress(OSError, TypeError, ValueError):
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(body)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def load(folder: Path, name: str, stamp: Stamp) -> Part | None:
    """The cached columns of segment `name` if made from its file of identity `stamp`."""
    try:
        return _parse(_map(cache_path(folder, name)), folder, name, stamp)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _map(path: Path, stamp: Stamp | None = None) -> mmap.mmap:
    with path.open("rb") as handle:
        info = os.fstat(handle.fileno())
        if stamp is not None and (info.st_ino, info.st_size, info.st_mtime_ns) != tuple(stamp):
            raise ValueError(f"{path.name} was replaced")
        if not info.st_size:
            raise ValueError(f"{path.name} is empty")
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _parse(whole: mmap.mmap, folder: Path, name: str, stamp: Stamp) -> Part | None:
    if whole[: len(_MAGIC)] != _MAGIC:
        return None
    at = len(_MAGIC) + 8
    head_size = int.from_bytes(whole[len(_MAGIC) : at], "little")
    header = orjson.loads(whole[at : at + head_size])
    if tuple(header["stamp"]) != tuple(stamp):
        return None
    at += head_size
    # The arrays are read from the mapped file: pages are read in as they are used.
    found: dict[str, npt.NDArray[Any]] = {}
    for key, dtype, count in header["arrays"]:
        array = np.frombuffer(whole, dtype=np.dtype(dtype), count=count, offset=at)
        found[str(key)] = array
        at += array.nbytes + (-array.nbytes % 8)
    count = len(found["ids"])
    if any(len(found[key]) != count for key in (*_ARRAYS, "published")):
        return None
    if any(len(found[key]) != len(found["dumps"]) for key in _DUMP_TEXTS):
        return None
    blob, ends = found["titles"], found["titles.ends"]
    if len(ends) != count or (count and int(ends[-1]) != len(blob) - 1):
        return None
    arrays = {key: found[key] for key in _ARRAYS}
    docs: bytes | mmap.mmap
    if header["copies"]:
        docs = whole
        arrays["start"] = arrays["start"] + at
        arrays["end"] = arrays["end"] + at
    else:
        docs = _map(segment_path(folder, name), stamp) if count else b""
    if count and int(arrays["end"].max()) > len(docs):
        return None  # torn or truncated
    part = _part_of(
        name,
        found,
        matches=(found["matches.at"], found["matches.ids"]),
        replaces=(found["replaces.at"], found["replaces.ids"]),
        arrays=arrays,
        docs=docs,
        titles=(blob, ends),
        schema=header["schema"],
    )
    part.mapped = whole
    return part


def read_part(folder: Path, name: str, write_cache: bool = True) -> Part:
    """The columns of segment `name`: from its cache when that matches, else made (and cached)."""
    path = segment_path(folder, name)
    try:
        stamp_info = path.stat()
    except FileNotFoundError:
        raise DamagedLibrary(path, "missing (the library lists it)") from None
    stamp = (stamp_info.st_ino, stamp_info.st_size, stamp_info.st_mtime_ns)
    found = load(folder, name, stamp)
    if found is not None:
        return found
    raw = read_raw(path)
    if raw is None:
        raise DamagedLibrary(path, "cannot be read")
    if not raw[0].strip():
        raise DamagedLibrary(path, "the file is empty (damaged library file)")
    try:
        data = check_tables(orjson.loads(raw[0]), path)
    except orjson.JSONDecodeError as error:
        raise DamagedLibrary(path, f"damaged JSON ({error})") from error
    part = build(name, data, raw[0])
    if write_cache:
        save(folder, raw[1], part)
    return part


def assemble(parts: Sequence[Part]) -> tuple[StoryTable, Bytes]:
    """The stories of `parts` in library order (dumps newest first, each dump's stories in
    order), and every dump's digest.

    Sorted on arrays, never on Python strings: a sort of numbers also leaves Python's lock to
    the app's other threads (the keys typed while the library opens). Every column is copied
    out of the parts first, so that their files' pages can go before the sorts need memory."""
    names = joined([part.dumps for part in parts])
    times = joined([part.times for part in parts])
    captured = joined([part.captured for part in parts])
    digests = joined([part.digests for part in parts])
    bases = np.cumsum([0] + [len(part.dumps) for part in parts])[:-1]
    dump = np.concatenate(
        [np.zeros(0, np.int64)]
        + [p.arrays["dump"].astype(np.int64) + b for p, b in zip(parts, bases, strict=True)]
    )
    ids = joined([part.ids for part in parts])
    published = joined([part.published for part in parts])
    columns: dict[str, npt.NDArray[Any]] = {
        key: np.concatenate([np.zeros(0, dtype)] + [part.arrays[key] for part in parts])
        for key, dtype in _ARRAYS.items()
        if key != "dump"
    }
    columns["part"] = np.concatenate(
        [np.zeros(0, np.int32)]
        + [np.full(len(part), number, np.int32) for number, part in enumerate(parts)]
    )
    matches, replaces = _gathered(parts, "matches"), _gathered(parts, "replaces")
    docs = [part.docs for part in parts]
    for part in parts:
        part.let_go()

    # Newest dump first; dumps saved at the same moment in file-name order, then as stored.
    order = np.lexsort([byte_order(names), *(~w for w in time_keys(times)[::-1])])
    del times
    place = np.empty(len(names), dtype=np.int64)
    place[order] = np.arange(len(names), dtype=np.int64)
    dump = place[dump]
    # Each segment's stories come dump by dump: a stable sort by dump keeps them in order.
    stories = np.argsort(dump, kind="stable")
    ids, published = ids[stories], published[stories]
    for key in list(columns):
        columns[key] = columns[key][stories]
    columns["dump"] = dump[stories].astype(np.int32)
    del dump
    columns["match"] = np.full(len(ids), -1, np.int32)
    columns["rank"] = np.zeros(len(ids), np.int32)  # filled in below, once ids are found
    id_order = byte_order(ids)
    table = StoryTable(ids, names[order], columns, docs, captured[order], id_order)
    del names, captured
    where = np.empty(len(stories), dtype=np.int64)
    where[stories] = np.arange(len(stories), dtype=np.int64)  # each stored story's place
    del stories
    table.titles = FoldedTitles([part.titles for part in parts], where)
    table.match[where[matches[0]]] = table.positions.locate(matches[1])
    superseded = _superseded(table, (where[replaces[0]], replaces[1]))
    del where
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[id_order] = np.arange(len(ids), dtype=np.int64)
    del id_order
    table.rank[:] = _rank(ids, id_rank, published, columns["words"], superseded)
    return table, digests


def _gathered(parts: Sequence[Part], key: str) -> tuple[npt.NDArray[np.int64], Bytes]:
    """A sparse column of every part (matches or replaces): the stories' places in the
    parts one after the other, and the ids."""
    bases = np.cumsum([0] + [len(part) for part in parts])[:-1]
    at = np.concatenate(
        [np.zeros(0, np.int64)]
        + [getattr(p, key)[0].astype(np.int64) + b for p, b in zip(parts, bases, strict=True)]
    )
    return at, joined([getattr(part, key)[1] for part in parts])


def _superseded(table: StoryTable, replaces: tuple[npt.NDArray[np.int64], Bytes]) -> set[str]:
    """The stories a newer text replaces: each replaced one, and every new text but the
    newest (by when its page was saved)."""
    versions: dict[str, list[tuple[str, str]]] = {}  # story replaced: (when, new version)
    for number, old in zip(replaces[0].tolist(), replaces[1].tolist(), strict=True):
        when = table.captured[int(table.dump[number])]
        versions.setdefault(old.decode(), []).append((when, table.ids[number]))
    return set(versions) | {i for v in versions.values() for _, i in sorted(v)[:-1]}


def _rank(
    ids: Bytes,
    id_rank: npt.NDArray[np.int64],
    published: Bytes,
    story_words: npt.NDArray[Any],
    superseded: set[str],
) -> npt.NDArray[np.int32]:
    """Each story's place in `shown_first` order over the library (see columns.shown_first);
    `id_rank` is each id's place in byte order.

    A story replaced by a newer text of it is shown only when no other version is.
    """
    # Last key first: id, then published, then most words, then not superseded (one number).
    most = -story_words.astype(np.int64)
    if superseded:
        most += np.isin(ids, column(superseded)).astype(np.int64) << 40
    keys: list[npt.NDArray[Any]] = [id_rank, *time_keys(published)[::-1], most]
    rank = np.empty(len(ids), dtype=np.int32)
    rank[np.lexsort(keys)] = np.arange(len(ids), dtype=np.int32)
    return rank
