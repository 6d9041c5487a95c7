"""Cold text: what was imported (the catalog) and the story bodies (`bodies/*.json`).

The catalog is a manifest, `library.json`, naming segment files of dumps with their stories'
metadata — everything the list needs, no bodies (see manifest.py); each commit adds one
segment. Bodies go to segment files of a few hundred stories, written once when imported and
never rewritten, so that neither a mark nor a later import touches them. Every file is a
TinyDB file written atomically.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from tinydb import TinyDB

from newsreader.errors import DamagedLibrary
from newsreader.library.byte_columns import Bytes, Texts
from newsreader.library.columns import StoryIndex, StoryMeta, StoryTable
from newsreader.library.manifest import (
    LEGACY,
    SCHEMA_VERSION,
    Manifest,
    check_version,
    read_manifest,
    read_segment,
    remove_segments,
    split_legacy,
    tidy,
    write_manifest,
    write_segment,
)
from newsreader.library.segment_columns import Part, assemble, build, read_part, save
from newsreader.storage import AtomicJSONStorage, make_private_folder, write_atomic

__all__ = ["SCHEMA_VERSION", "Catalog", "CatalogVersion", "StoryMeta", "open_catalog"]

SEGMENT_STORIES = 400
_CACHED_SEGMENTS = 4
COMPACT_BELOW = 2_000  # catalog segments of fewer stories are merged with their neighbours
COMPACT_RUN = 4  # when this many small ones follow each other
COMPACT_UPTO = 10_000  # stories in one merged segment at most
_TRIES = 5  # reads of the manifest while a compaction removes the segments it listed

Stamp = tuple[int, int, int]


@dataclass(frozen=True)
class CatalogVersion:
    """The catalog as read at one moment, ready to take the place of the one shown."""

    stamp: Stamp | None  # library.json's identity before it was read
    manifest: Manifest
    parts: dict[str, Part]
    stories: StoryTable
    digests: Bytes
    base: int  # the generation of the catalog it was read for


class Catalog:
    """The dumps and bodies of one library folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.bodies_folder = folder / "bodies"
        self._manifest_path = folder / "library.json"
        self._stamp: Stamp | None = None
        self.manifest = Manifest((), SCHEMA_VERSION)
        self._parts: dict[str, Part] = {}
        self.stories: StoryTable = StoryTable.empty()
        self.by_id: Mapping[str, StoryMeta] = StoryIndex(self.stories)
        self._digests: Bytes = np.zeros(0, "S1")
        self._digest_set: set[str] | None = None
        self.schema_version: int = SCHEMA_VERSION  # of library.json as last read
        self._segments: OrderedDict[str, dict[str, dict[str, Any]]] = OrderedDict()
        self.generation = 0  # one more at each version adopted and each write
        self.reload()

    def _file_stamp(self) -> Stamp | None:
        try:
            info = self._manifest_path.stat()
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def reload(self) -> None:
        """Read the manifest again and the segments not yet read (cheap when nothing changed)."""
        version = self.read()
        if version is not None:
            self.adopt(version)

    def read(self) -> CatalogVersion | None:
        """The catalog as on disk now, put together without changing this one (so that a
        thread can do it while the app shows this one); None when nothing changed."""
        base = self.generation
        stamp = self._file_stamp()
        if stamp == self._stamp and stamp is not None:
            return None
        for attempt in range(_TRIES):
            manifest = read_manifest(self.folder)
            try:
                parts = [self._part(name) for name in manifest.names]
                break
            except DamagedLibrary:
                # A compaction or purge may have removed a segment since the manifest was read.
                again = self._file_stamp()
                if again == stamp or attempt == _TRIES - 1:
                    raise
                stamp = again
        if manifest.legacy:
            schema = parts[0].schema
            check_version(self._manifest_path, schema if type(schema) is int else 0)
        stories, digests = assemble(parts)
        known = {part.name: part for part in parts if part.name != LEGACY}
        # The identity from before the read: one taken now could belong to a newer commit
        # than the data just read, and that commit would never be picked up.
        return CatalogVersion(stamp, manifest, known, stories, digests, base)

    def adopt(self, version: CatalogVersion) -> bool:
        """Make `version` (from `read`) this catalog's; False, and nothing done, when the
        catalog was read again or written since that read began."""
        if version.base != self.generation:
            return False
        self._parts = version.parts
        self.stories, self._digests = version.stories, version.digests
        self.by_id = StoryIndex(self.stories)
        self._digest_set = None
        self.manifest = version.manifest
        self.schema_version = version.manifest.schema
        self._stamp = version.stamp
        self.generation += 1
        return True

    def _forget_stamp(self) -> None:
        """Written by this process: the next `reload` reads the files again."""
        self._stamp = None
        self.generation += 1

    @property
    def digests(self) -> set[str]:
        """The digest of every dump imported (made when first asked for: an import asks)."""
        if self._digest_set is None:
            self._digest_set = set(Texts(self._digests))
        return self._digest_set

    def _part(self, name: str) -> Part:
        """The columns of one segment: kept from an earlier read (segments never change)."""
        known = self._parts.get(name)
        return known if known is not None else read_part(self.folder, name)

    def changed_on_disk(self) -> bool:
        """True when another process has committed an import since the last reload."""
        return self._file_stamp() != self._stamp

    def segment_sizes(self) -> dict[str, int]:
        """The stories of each catalog segment as last read, by name, in order."""
        return {name: len(self._part(name)) for name in self.manifest.names}

    def write_bodies(self, bodies: Sequence[dict[str, Any]]) -> list[str]:
        """Store bodies in new segment files; return each body's segment name, in order."""
        return [name for name, _start, _end in self.place_bodies(bodies)]

    def place_bodies(self, bodies: Sequence[dict[str, Any]]) -> list[tuple[str, int, int]]:
        """Store bodies in new segment files; return where each one lies: (segment, start, end).

        A segment is the TinyDB file `TinyDB.insert_multiple` would write, byte for byte,
        written here so that the byte range of each body is known: a story is then read
        alone rather than with the few hundred others of its segment.
        """
        make_private_folder(self.bodies_folder)
        placed: list[tuple[str, int, int]] = []
        for first in range(0, len(bodies), SEGMENT_STORIES):
            name = f"{time.time_ns():x}-{os.getpid()}-{first // SEGMENT_STORIES}"
            parts = [b'{"bodies":{']
            at = len(parts[0])
            for number, body in enumerate(bodies[first : first + SEGMENT_STORIES], start=1):
                key = b'%s"%d":' % (b"," if number > 1 else b"", number)
                text = orjson.dumps(dict(body))
                placed.append((name, at + len(key), at + len(key) + len(text)))
                parts += [key, text]
                at += len(key) + len(text)
            parts.append(b"}}")
            write_atomic(self.bodies_folder / f"{name}.json", b"".join(parts))
        return placed

    def _current(self) -> Manifest:
        """The manifest on disk, a library of the old layout split first. Lock held."""
        manifest = read_manifest(self.folder)
        return split_legacy(self.folder) if manifest.legacy else manifest

    def commit(self, dumps: Sequence[dict[str, Any]], reload: bool = True) -> None:
        """Add whole dumps in a new segment, then list it in the manifest: the commit point.

        With `reload=False` the columns are not put together again (an import committing
        batch after batch does that once, at its end); until `reload` the catalog still
        lists what it did. Call with the import lock held.
        """
        if not dumps:
            return
        names = self._current().names
        write_manifest(self.folder, [*names, self._write(dumps)])
        self._forget_stamp()
        if reload:
            self.reload()

    def settle(self) -> None:
        """Split a library of the old layout and tidy what interrupted commits left. Lock held."""
        if read_manifest(self.folder).legacy:
            split_legacy(self.folder)
        self.reload()
        tidy(self.folder, self.manifest.names)

    def _write(self, dumps: Sequence[dict[str, Any]]) -> str:
        """Write a new segment and its columns' cache (made from `dumps`, not read back)."""
        name, raw = write_segment(self.folder, dumps)
        info = os.stat(self.folder / "catalog" / f"{name}.json")
        data = {"dumps": {str(n): dump for n, dump in enumerate(dumps, start=1)}}
        save(self.folder, (info.st_ino, info.st_size, info.st_mtime_ns), build(name, data, raw))
        return name

    def dumps(self, among: Sequence[str] | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """The dump documents as stored, of the segments `among` (None: all): (segment, key in
        the segment, document)."""
        names = read_manifest(self.folder).names
        return [
            (name, key, doc)
            for name in names
            if among is None or name in among
            for key, doc in read_segment(self.folder, name).get("dumps", {}).items()
        ]

    def segments_holding(self, wanted: Callable[[str], bool]) -> list[str]:
        """The catalog segments holding a dump whose file name `wanted` accepts."""
        return [
            name
            for name in self.manifest.names
            if any(wanted(file) for file in Texts(self._part(name).dumps))
        ]

    def remove_dumps(self, gone: Mapping[str, set[str]]) -> None:
        """Delete dumps (by segment, their keys in it): the segments holding them are written
        again without them, then the manifest lists those instead, in one atomic write.
        Call with the import lock held."""
        before = read_manifest(self.folder)
        names = list(self._current().names)
        if before.legacy and LEGACY in gone:
            gone = {names[0]: gone[LEGACY]}
        old = [name for name in names if name in gone]
        for name in old:
            data = read_segment(self.folder, name).get("dumps", {})
            kept = [doc for key, doc in data.items() if key not in gone[name]]
            at = names.index(name)
            names[at : at + 1] = [self._write(kept)] if kept else []
        write_manifest(self.folder, names)
        remove_segments(self.folder, old)
        self._segments.clear()
        self._forget_stamp()
        self.reload()

    def compact(self) -> int:
        """Merge runs of small neighbouring segments, each step atomic; return how many
        segments went. Call with the import lock held."""
        self.reload()
        sizes = self.segment_sizes()
        names = list(sizes)
        merged = 0
        for run in mergeable(sizes):
            dumps = [
                doc for name in run for doc in read_segment(self.folder, name)["dumps"].values()
            ]
            at = names.index(run[0])
            names[at : at + len(run)] = [self._write(dumps)]
            write_manifest(self.folder, names)
            remove_segments(self.folder, run)
            merged += len(run) - 1
        if merged:
            self.reload()
        return merged

    def body(self, story: StoryMeta) -> dict[str, Any]:
        """The paragraphs, captions and notes of `story`, read from its segment file."""
        segment = self._segments.get(story.segment)
        if segment is None and story.body_at is not None:
            alone = self._body_alone(story, *story.body_at)
            if alone is not None:
                return alone
        if segment is None:
            path = self.bodies_folder / f"{story.segment}.json"
            if not path.exists():
                raise DamagedLibrary(path, "body file missing")
            db = TinyDB(path, storage=AtomicJSONStorage)
            segment = {doc["id"]: dict(doc) for doc in db.table("bodies").all()}
            db.close()
            self._segments[story.segment] = segment
            while len(self._segments) > _CACHED_SEGMENTS:
                self._segments.popitem(last=False)
        else:
            self._segments.move_to_end(story.segment)
        return segment.get(story.id, {})

    def _body_alone(self, story: StoryMeta, start: int, end: int) -> dict[str, Any] | None:
        """The body at bytes `start:end` of the story's segment; None unless it is that story's
        (a segment rewritten since, by a repair say, is then read whole)."""
        try:
            with (self.bodies_folder / f"{story.segment}.json").open("rb") as handle:
                handle.seek(start)
                body = orjson.loads(handle.read(end - start))
        except (OSError, ValueError):
            return None
        if isinstance(body, dict) and body.get("id") == story.id:
            return body
        return None

    def close(self) -> None:
        """Forget what was read (the files stay mapped until nothing refers to them)."""
        self._segments.clear()


def mergeable(sizes: Mapping[str, int]) -> list[list[str]]:
    """The runs of small neighbouring segments worth merging, of segments' story counts."""
    runs: list[list[str]] = [[]]
    for name, size in sizes.items():
        small = size < COMPACT_BELOW
        if not small or sum(sizes[n] for n in runs[-1]) + size > COMPACT_UPTO:
            runs.append([])
        if small:
            runs[-1].append(name)
    return [run for run in runs if len(run) >= COMPACT_RUN]


def open_catalog(folder: Path) -> Catalog:
    """Open (creating if needed) the catalog in `folder`."""
    make_private_folder(folder)
    return Catalog(folder)
