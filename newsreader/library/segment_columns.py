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
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from newsreader.errors import DamagedLibrary
from newsreader.library.columns import StoryTable
from newsreader.library.manifest import cache_path, segment_path
from newsreader.storage import FILE_MODE, check_tables

_MAGIC = b"newsreader catalog segment cache 3\n"
_ARRAYS = {"start": np.int64, "end": np.int64, "dump": np.int32, "words": np.int32}
_HEADER = ("ids", "dumps", "captured", "digests", "times", "published", "matches", "replaces")

Stamp = tuple[int, int, int]


@dataclass
class Part:
    """The stories of one catalog segment as columns, in the segment's own order."""

    name: str
    ids: list[str]
    dumps: list[str]  # each dump's file name
    captured: list[str]  # when each dump's page was saved
    digests: list[str]
    times: list[str]  # each dump's place in time (its first story's published time)
    published: list[str]  # each story's published time, "9999" when undated
    matches: list[str]  # the story each one repeats, "" for none
    replaces: list[str]  # the story each one is a new text of, "" for none
    arrays: dict[str, npt.NDArray[Any]]  # _ARRAYS: span in `docs`, local dump, words
    docs: bytes | mmap.mmap
    schema: Any = None  # library.json's `_meta` schema, for a legacy segment
    copies: bool = False  # `docs` holds copies of the documents, not the segment file


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
    part = Part(name, [], [], [], [], [], [], [], [], {}, b"", schema_of(data))
    dump_of: list[int] = []
    words: list[int] = []
    texts: list[bytes] = []
    for dump in data.get("dumps", {}).values():
        stories = dump.get("stories", ())
        part.dumps.append(str(dump.get("file", "")))
        part.captured.append(str(dump.get("captured_at") or ""))
        part.digests.append(str(dump.get("digest", "")))
        first = stories[0] if stories else {}
        part.times.append(str(first.get("published") or dump.get("captured_at") or ""))
        for doc in stories:
            part.ids.append(doc["id"])
            part.published.append(str(doc.get("published") or "9999"))
            part.matches.append(str(doc.get("match") or ""))
            part.replaces.append(str(doc.get("replaces") or ""))
            words.append(int(doc.get("words", 0)))
            dump_of.append(len(part.dumps) - 1)
            texts.append(orjson.dumps(doc))
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


def save(folder: Path, stamp: Stamp, part: Part) -> None:
    """Write the cache of a segment whose file has identity `stamp` (best effort).

    Not fsynced: a cache lost or torn in a crash is detected and made again.
    """
    header: dict[str, Any] = {key: getattr(part, key) for key in _HEADER}
    header.update(stamp=list(stamp), schema=part.schema, copies=part.copies)
    # Compressed: its ids, dates and digests repeat much, and without it the caches took
    # 4 MB more than the one cache of the whole catalog did (at 100,000 stories).
    head = zlib.compress(orjson.dumps(header), 1)
    head += b" " * (-len(head) % 8)  # keeps the arrays after it aligned (zlib ignores it)
    body = [_MAGIC, len(head).to_bytes(8, "little"), head]
    body += [part.arrays[key].astype(dtype).tobytes() for key, dtype in _ARRAYS.items()]
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
    except (OSError, ValueError, KeyError, TypeError, IndexError, zlib.error):
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
    header = orjson.loads(zlib.decompressobj().decompress(whole[at : at + head_size]))
    if tuple(header["stamp"]) != tuple(stamp):
        return None
    at += head_size
    count = len(header["ids"])
    arrays: dict[str, npt.NDArray[Any]] = {}
    for key, dtype in _ARRAYS.items():
        arrays[key] = np.frombuffer(whole, dtype=dtype, count=count, offset=at)
        at += count * np.dtype(dtype).itemsize
    docs: bytes | mmap.mmap
    if header["copies"]:
        docs = whole
        arrays["start"] = arrays["start"] + at
        arrays["end"] = arrays["end"] + at
    else:
        docs = _map(segment_path(folder, name), stamp) if count else b""
    if count and int(arrays["end"].max()) > len(docs):
        return None  # torn or truncated
    lists = {key: header[key] for key in _HEADER}
    if any(len(lists[key]) != count for key in ("published", "matches", "replaces")):
        return None
    return Part(name, **lists, arrays=arrays, docs=docs, schema=header["schema"])


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


def assemble(parts: Sequence[Part]) -> tuple[StoryTable, list[str]]:
    """The stories of `parts` in library order (dumps newest first, each dump's stories in
    order), and every dump's digest."""
    names = [name for part in parts for name in part.dumps]
    times = [when for part in parts for when in part.times]
    # Newest dump first; dumps saved at the same moment in file-name order, then as stored.
    order = sorted(range(len(names)), key=names.__getitem__)
    order.sort(key=times.__getitem__, reverse=True)
    place = np.empty(len(names), dtype=np.int64)
    place[order] = np.arange(len(names), dtype=np.int64)
    bases = np.cumsum([0] + [len(part.dumps) for part in parts])[:-1]
    local = [part.arrays["dump"].astype(np.int64) for part in parts]
    dump = np.concatenate(
        [np.zeros(0, np.int64)] + [place[d + b] for d, b in zip(local, bases, strict=True)]
    )
    stories = np.argsort(dump, kind="stable")
    taken = stories.tolist()

    def joined(key: str) -> list[str]:
        values = [value for part in parts for value in getattr(part, key)]
        return [values[number] for number in taken]

    ids = joined("ids")
    positions = {story_id: number for number, story_id in enumerate(ids)}
    which = np.concatenate(
        [np.zeros(0, np.int32)]
        + [np.full(len(part.ids), number, np.int32) for number, part in enumerate(parts)]
    )
    columns: dict[str, npt.NDArray[Any]] = {
        key: np.concatenate([np.zeros(0, dtype)] + [part.arrays[key] for part in parts])[stories]
        for key, dtype in _ARRAYS.items()
        if key != "dump"
    }
    columns["dump"] = dump[stories].astype(np.int32)
    columns["part"] = which[stories]
    matches = joined("matches")
    columns["match"] = np.array([positions.get(m, -1) if m else -1 for m in matches], np.int32)
    captured = [c for part in parts for c in part.captured]
    captured = [captured[number] for number in order]
    columns["rank"] = _rank(ids, joined("published"), columns, joined("replaces"), captured)
    table = StoryTable(
        ids, [names[number] for number in order], columns, [p.docs for p in parts], captured
    )
    return table, [digest for part in parts for digest in part.digests]


def _rank(
    ids: list[str],
    published: list[str],
    columns: dict[str, npt.NDArray[Any]],
    replaces: list[str],
    captured: list[str],
) -> npt.NDArray[np.int32]:
    """Each story's place in `shown_first` order over the library (see columns.shown_first).

    A story replaced by a newer text of it is shown only when no other version is.
    """
    versions: dict[str, list[tuple[str, str]]] = {}  # story replaced: (when, new version)
    dump = columns["dump"]
    for number, old in enumerate(replaces):
        if old:
            versions.setdefault(old, []).append((captured[int(dump[number])], ids[number]))
    superseded = set(versions) | {i for v in versions.values() for _, i in sorted(v)[:-1]}
    # Last key first: id, then published, then most words, then not superseded.
    keys = [
        np.array(ids, dtype=np.str_),
        np.array(published, dtype=np.str_),
        -columns["words"].astype(np.int64),
    ]
    if superseded:
        keys.append(np.array([sid in superseded for sid in ids], dtype=bool))
    rank = np.empty(len(ids), dtype=np.int32)
    rank[np.lexsort(keys)] = np.arange(len(ids), dtype=np.int32)
    return rank
