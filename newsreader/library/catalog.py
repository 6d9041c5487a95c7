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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from newsreader.errors import DamagedLibrary, LibraryError
from newsreader.storage import AtomicJSONStorage, make_private_folder

SCHEMA_VERSION = 1
SEGMENT_STORIES = 400
_CACHED_SEGMENTS = 4


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


def _meta_from(doc: dict[str, Any], dump: str, order: int) -> StoryMeta:
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
    )


class Catalog:
    """The dumps and bodies of one library folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.bodies_folder = folder / "bodies"
        self._storage_path = folder / "library.json"
        self._db = TinyDB(self._storage_path, storage=AtomicJSONStorage)
        self._stamp: tuple[int, int, int] | None = None
        self.stories: list[StoryMeta] = []
        self.by_id: dict[str, StoryMeta] = {}
        self.digests: set[str] = set()
        self._segments: OrderedDict[str, dict[str, dict[str, Any]]] = OrderedDict()
        self.reload()

    @property
    def storage(self) -> AtomicJSONStorage:
        """The TinyDB storage behind library.json."""
        storage = self._db.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage

    def _check_schema(self) -> None:
        meta = self._db.table("_meta").all()
        version = meta[0].get("schema") if meta else None
        if version is None:
            return
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise LibraryError(
                f"{self._storage_path}: library schema version {version!r} is newer than this "
                f"newsreader understands ({SCHEMA_VERSION}); upgrade newsreader"
            )

    def reload(self) -> None:
        """Read library.json again (cheap when nothing changed on disk)."""
        stamp = self.storage.stamp()
        if stamp == self._stamp and stamp is not None:
            return
        self._check_schema()
        dumps = self._db.table("dumps").all()
        # Newest dump first; dumps saved at the same moment in file-name order.
        dumps.sort(key=lambda dump: dump.get("file", ""))
        dumps.sort(key=_dump_time, reverse=True)
        stories: list[StoryMeta] = []
        for dump in dumps:
            name = dump.get("file", "")
            for doc in dump.get("stories", ()):
                stories.append(_meta_from(doc, name, len(stories)))
        self.stories = stories
        self.by_id = {story.id: story for story in stories}
        self.digests = {dump.get("digest", "") for dump in dumps}
        # The identity from before the read: one taken now could belong to a newer commit
        # than the data just read, and that commit would never be picked up.
        self._stamp = stamp

    def changed_on_disk(self) -> bool:
        """True when another process has committed an import since the last reload."""
        return self.storage.stamp() != self._stamp

    def write_bodies(self, bodies: Sequence[dict[str, Any]]) -> list[str]:
        """Store bodies in new segment files; return each body's segment name, in order."""
        make_private_folder(self.bodies_folder)
        names: list[str] = []
        for start in range(0, len(bodies), SEGMENT_STORIES):
            chunk = bodies[start : start + SEGMENT_STORIES]
            name = f"{time.time_ns():x}-{os.getpid()}-{start // SEGMENT_STORIES}"
            segment = TinyDB(self.bodies_folder / f"{name}.json", storage=AtomicJSONStorage)
            segment.table("bodies").insert_multiple(chunk)
            segment.close()
            names.extend([name] * len(chunk))
        return names

    def commit(self, dumps: Sequence[dict[str, Any]]) -> None:
        """Add whole dumps to library.json in one atomic write: the commit point of an import."""
        if not dumps:
            return
        if not self._db.table("_meta").all():
            self._db.table("_meta").insert({"schema": SCHEMA_VERSION})
        self._db.table("dumps").insert_multiple(dumps)
        self._stamp = None
        self.reload()

    def body(self, story: StoryMeta) -> dict[str, Any]:
        """The paragraphs, captions and notes of `story`, read from its segment file."""
        segment = self._segments.get(story.segment)
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

    def close(self) -> None:
        """Release the TinyDB handle."""
        self._db.close()


def _dump_time(dump: dict[str, Any]) -> str:
    stories = dump.get("stories") or [{}]
    return str(stories[0].get("published") or dump.get("captured_at") or "")


def open_catalog(folder: Path) -> Catalog:
    """Open (creating if needed) the catalog in `folder`."""
    make_private_folder(folder)
    return Catalog(folder)
