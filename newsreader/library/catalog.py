"""Cold text: what was imported (`library.json`) and the story bodies (`bodies/*.json`).

`library.json` is a TinyDB file with one document per dump holding its stories' metadata —
everything the list needs, no bodies. Bodies go to segment files of a few hundred stories,
written once when imported and never rewritten, so that neither a mark nor a later import
touches them. Both kinds of file are TinyDB files written atomically.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.table import Document

from newsreader.errors import DamagedLibrary, LibraryError
from newsreader.library import columns
from newsreader.library.columns import StoryIndex, StoryMeta, StoryTable
from newsreader.storage import AtomicJSONStorage, make_private_folder, write_atomic

__all__ = ["SCHEMA_VERSION", "Catalog", "StoryMeta", "open_catalog"]

SCHEMA_VERSION = 1
SEGMENT_STORIES = 400
_CACHED_SEGMENTS = 4


class Catalog:
    """The dumps and bodies of one library folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.bodies_folder = folder / "bodies"
        self._storage_path = folder / "library.json"
        self._db = TinyDB(self._storage_path, storage=AtomicJSONStorage)
        self._stamp: tuple[int, int, int] | None = None
        self.stories: StoryTable = columns.build({}, None).table
        self.by_id: Mapping[str, StoryMeta] = StoryIndex(self.stories)
        self.digests: set[str] = set()
        self.schema_version: int = 0  # of library.json as last read: 0 when it has none
        self._segments: OrderedDict[str, dict[str, dict[str, Any]]] = OrderedDict()
        self.reload()

    @property
    def storage(self) -> AtomicJSONStorage:
        """The TinyDB storage behind library.json."""
        storage = self._db.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage

    def _check_schema(self, version: Any) -> None:
        if version is None:
            return
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise LibraryError(
                f"{self._storage_path}: library schema version {version!r} is newer than this "
                f"newsreader understands ({SCHEMA_VERSION}); upgrade newsreader"
            )

    def reload(self) -> None:
        """Read library.json again (cheap when nothing changed on disk, or the cache matches)."""
        stamp = self.storage.stamp()
        if stamp == self._stamp and stamp is not None:
            return
        found = columns.load(self.folder, stamp) if stamp is not None else None
        if found is None:
            raw = columns.read_raw(self._storage_path)
            data = self.storage.read() or {}
            self._check_schema(columns.schema_of(data))
            read_stamp = self.storage.read_stamp
            # The cache may point into the file only if the bytes are those just parsed.
            same = raw is not None and raw[1] == read_stamp
            found = columns.build(data, raw[0] if same and raw else None)
            if read_stamp is not None:
                columns.save(self.folder, read_stamp, found)
        self._check_schema(found.schema)
        self.stories = found.table
        self.by_id = StoryIndex(found.table)
        self.digests = set(found.digests)
        schema = found.schema
        self.schema_version = schema if type(schema) is int else 0  # bool is no version
        # The identity from before the read: one taken now could belong to a newer commit
        # than the data just read, and that commit would never be picked up.
        self._stamp = stamp

    def changed_on_disk(self) -> bool:
        """True when another process has committed an import since the last reload."""
        return self.storage.stamp() != self._stamp

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

    def commit(self, dumps: Sequence[dict[str, Any]], reload: bool = True) -> None:
        """Add whole dumps to library.json in one atomic write: the commit point of an import.

        With `reload=False` the columns are not rebuilt (an import committing batch after
        batch does that once, at its end); until `reload` the catalog still lists what it did.
        """
        if not dumps:
            return
        if not self._db.table("_meta").all():
            self._db.table("_meta").insert({"schema": SCHEMA_VERSION})
        self._db.table("dumps").insert_multiple(dumps)
        self._stamp = None
        if reload:
            self.reload()

    def dumps(self) -> list[Document]:
        """Every dump document of library.json, as stored (each with its `doc_id`)."""
        return self._db.table("dumps").all()

    def remove_dumps(self, doc_ids: Sequence[int]) -> None:
        """Delete dumps from library.json in one atomic write, then read it again."""
        self._db.table("dumps").remove(doc_ids=list(doc_ids))
        self._segments.clear()
        self._stamp = None
        self.reload()

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
        """Release the TinyDB handle."""
        self._db.close()


def open_catalog(folder: Path) -> Catalog:
    """Open (creating if needed) the catalog in `folder`."""
    make_private_folder(folder)
    return Catalog(folder)
