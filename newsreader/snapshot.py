"""A library's state read from its files without opening it: read-only, lock-free, consistent.

Opening a `Library` may write (the catalog cache, an empty marks.log, a schema upgrade) and
waits on the marks log's lock while a compaction runs. `newsreader count` does neither: every
file it reads is replaced whole by a rename or only appended to, so it reads them as they are
and reads again when library.json or marks.json was replaced meanwhile.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import orjson

from newsreader.count import Counts, read_summary, render, stamps
from newsreader.errors import DamagedLibrary, LibraryError
from newsreader.library.byte_columns import column
from newsreader.library.columns import StoryIndex, StoryMeta, StoryTable
from newsreader.library.groups import Groups, compute_groups
from newsreader.library.manifest import read_manifest
from newsreader.library.marks import FIELDS, snapshot_records
from newsreader.library.segment_columns import assemble, read_part
from newsreader.storage import AppendLog, check_tables, read_json

if TYPE_CHECKING:
    from newsreader.library.search_index import SegmentIndex

_TRIES = 20  # reads again at most this often while other processes keep replacing files


class SnapshotMarks:
    """The marks as read, by the rule MarkState keeps: the later change wins."""

    changes = 0  # as MarkState's: these never change

    def changed_since(self, changes: int) -> list[str]:
        """The stories whose marks changed since `changes` was read: none, ever."""
        return []

    def get(self, story: str, field: str, default: Any = None) -> Any:
        """The value of `field` for `story`."""
        stamped = self._values.get(story, {}).get(field)
        return default if stamped is None else stamped[2]

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self._values: dict[str, dict[str, tuple[int, str, Any]]] = {}
        for record in records:
            story, field, when = record.get("id"), record.get("f"), record.get("t")
            if isinstance(story, str) and field in FIELDS and isinstance(when, int):
                stamped = (when, str(record.get("o", "")), record.get("v"))
                current = self._values.setdefault(story, {})
                if field not in current or stamped[:2] > current[str(field)][:2]:
                    current[str(field)] = stamped

    def items(self, field: str) -> Iterator[tuple[str, Any]]:
        """Every (story, value) pair set for `field`."""
        for story, fields in self._values.items():
            if field in fields:
                yield story, fields[field][2]


class SnapshotCatalog:
    """The stories of library.json, and their bodies read on demand (for phrase queries)."""

    def __init__(self, folder: Path, table: StoryTable) -> None:
        self.bodies_folder = folder / "bodies"
        self.stories = table
        self.by_id = StoryIndex(table)

    def body(self, story: StoryMeta) -> dict[str, Any]:
        """The body of `story`, read from its segment file."""
        path = self.bodies_folder / f"{story.segment}.json"
        if story.body_at is not None:
            start, end = story.body_at
            try:
                with path.open("rb") as handle:
                    handle.seek(start)
                    body = orjson.loads(handle.read(end - start))
                if isinstance(body, dict) and body.get("id") == story.id:
                    return body
            except (OSError, ValueError):
                pass
        data = read_json(path)
        if data is None:
            raise DamagedLibrary(path, "body file missing")
        for doc in check_tables(data, path).get("bodies", {}).values():
            if doc.get("id") == story.id:
                return dict(doc)
        return {}


@dataclass(eq=False)
class Snapshot:
    """The stories, marks and groups of a library folder at one moment."""

    folder: Path
    catalog: SnapshotCatalog
    marks: SnapshotMarks
    groups: Groups

    @classmethod
    def read(cls, folder: Path) -> Snapshot:
        """Read the library in `folder` as it is, without writing or locking anything."""
        for _ in range(_TRIES):
            before = stamps(folder)
            try:
                table = _read_table(folder)
            except DamagedLibrary:
                if stamps(folder)[:1] == before[:1]:
                    raise
                continue  # a segment the manifest listed was merged away meanwhile
            records = _read_marks(folder)
            # marks.log only grows but for a compaction, which replaces marks.json first.
            if stamps(folder)[:2] == before[:2]:
                break
        else:
            raise LibraryError(f"{folder}: kept changing while being read; try again")
        marks = SnapshotMarks(records)
        overrides = {sid: str(key) for sid, key in marks.items("group") if key}
        return cls(folder, SnapshotCatalog(folder, table), marks, compute_groups(table, overrides))

    def index_missing(self, index: SegmentIndex) -> int:
        """Nothing: a snapshot never writes, so stories no segment holds are not searched."""
        return 0

    def _marked(self, field: str) -> set[str]:
        known = self.catalog.stories.positions
        return {sid for sid, value in self.marks.items(field) if value and sid in known}

    def _shown(self) -> npt.NDArray[np.int64]:
        """Positions of the stories a reader sees: versions and stories a rule hid left out."""
        shown = self.groups.shown_positions()
        positions = self.catalog.stories.positions
        hidden = [positions[sid] for sid in self._marked("hidden")]
        return shown[~np.isin(shown, hidden)] if hidden else shown

    def counts(self) -> Counts:
        """(stories shown, unread, starred), as `Library.counts` gives them."""
        shown = len(self._shown())
        hidden = self._marked("hidden")
        read = sum(
            1
            for sid in self._marked("read")
            if self.groups.duplicate_of(sid) is None and sid not in hidden
        )
        return shown, shown - read, len(self._marked("starred"))

    def query_counts(self, text: str) -> Counts:
        """(stories, unread, starred) among the shown stories `text` matches, as
        `newsreader list --query` lists them."""
        from newsreader.query import parse_query
        from newsreader.search.index import find

        query = parse_query(text, datetime.now().astimezone())
        found = find(self, query)
        # On positions, not ids: a query matching most of 1,000,000 stories makes no id.
        shown = self._shown()
        matching = shown[self._mask(found.ids.positions)[shown]]
        read, starred = self._marked_mask("read"), self._marked_mask("starred")
        unread = matching.size - int(read[matching].sum())
        return int(matching.size), unread, int(starred[matching].sum())

    def _mask(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """`positions` as a mask over the catalog's stories."""
        mask = np.zeros(len(self.catalog.stories), dtype=bool)
        mask[positions] = True
        return mask

    def _marked_mask(self, field: str) -> npt.NDArray[np.bool_]:
        """Which of the catalog's stories, by position, have the mark `field` set."""
        ids = column(sid for sid, value in self.marks.items(field) if value)
        found = self.catalog.stories.positions.locate(ids)
        return self._mask(found[found >= 0])


def count_command(folder: Path, query: str | None, wanted: set[str], as_json: bool) -> int:
    """`newsreader count` by the ordinary command line: from the summary if it is true, else
    from the library's files, read-only; with `query`, of the stories it matches."""
    counts = read_summary(folder) if query is None else None
    if counts is None:
        snapshot = Snapshot.read(folder)
        counts = snapshot.counts() if query is None else snapshot.query_counts(query)
    sys.stdout.write(render(counts, wanted, as_json))
    return 0


def _read_table(folder: Path) -> StoryTable:
    """The stories of the catalog: each segment from its cache when that matches, else parsed."""
    manifest = read_manifest(folder)
    parts = [read_part(folder, name, write_cache=False) for name in manifest.names]
    return assemble(parts)[0]


def _read_marks(folder: Path) -> list[dict[str, Any]]:
    """The records of marks.json and then of marks.log, in that order."""
    path = folder / "marks.json"
    data = read_json(path) or {}
    records = [
        record
        for doc in check_tables(data, path).get("marks", {}).values()
        for record in snapshot_records(doc)
    ]
    return records + AppendLog(folder / "marks.log").read_from(0)[0]
