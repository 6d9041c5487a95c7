"""Hot state — read, starred, group decisions — as a mergeable log folded into a TinyDB snapshot.

Every change is one fsynced line in `marks.log`; now and then the log is folded into
`marks.json` (a TinyDB file written atomically). Each value carries the time it was set, and
the later one wins, so replaying a line twice, or merging two copies of a library made on two
machines, loses neither side's marks.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsreader.errors import LibraryError
from newsreader.storage import AppendLog, AtomicJSONStorage, make_private_folder

FIELDS = ("read", "starred", "group")
COMPACT_AT_BYTES = 512 * 1024
_ORIGIN = f"{socket.gethostname()}:{os.getpid()}"

# A stamped value: (time in ns, origin, value). Tuples compare by time, then by origin, so
# every copy of the library picks the same winner for two changes made at the same instant.
Stamped = tuple[int, str, Any]


class MarkState:
    """The marks of one library: current values, durable on return from every setter."""

    def __init__(self, folder: Path) -> None:
        make_private_folder(folder)
        self.snapshot_path = folder / "marks.json"
        self.log = AppendLog(folder / "marks.log")
        self._storage = AtomicJSONStorage(self.snapshot_path)
        self._values: dict[str, dict[str, Stamped]] = {}
        self._offset = 0
        self._snapshot_stamp: tuple[int, int, int] | None = None
        self._last_time = 0
        self.reload()

    def reload(self) -> None:
        """Read the snapshot and the whole log again."""
        data = self._storage.read() or {}
        self._snapshot_stamp = self._storage.stamp()
        self._values = {}
        for doc in data.get("marks", {}).values():
            story = doc.get("id")
            if not isinstance(story, str):
                continue
            for field in FIELDS:
                stamped = doc.get(field)
                if isinstance(stamped, list) and len(stamped) == 3:
                    self._merge(story, field, (int(stamped[0]), str(stamped[1]), stamped[2]))
        self._offset = 0
        self._apply_log()

    def refresh(self) -> bool:
        """Pick up what other processes wrote since the last look; True when anything changed."""
        if self._storage.stamp() != self._snapshot_stamp:
            self.reload()
            return True
        if self.log.size() < self._offset:
            self.reload()
            return True
        return self._apply_log() > 0

    def _apply_log(self) -> int:
        records, self._offset = self.log.read_from(self._offset)
        for record in records:
            self._apply(record)
        return len(records)

    def _apply(self, record: dict[str, Any]) -> None:
        story, field, when = record.get("id"), record.get("f"), record.get("t")
        if isinstance(story, str) and field in FIELDS and isinstance(when, int):
            self._merge(story, str(field), (when, str(record.get("o", "")), record.get("v")))

    def _merge(self, story: str, field: str, stamped: Stamped) -> None:
        current = self._values.setdefault(story, {})
        if field not in current or stamped[:2] > current[field][:2]:
            current[field] = stamped

    def get(self, story: str, field: str, default: Any = None) -> Any:
        """The current value of `field` for `story`."""
        stamped = self._values.get(story, {}).get(field)
        return default if stamped is None else stamped[2]

    def items(self, field: str) -> Iterable[tuple[str, Any]]:
        """Every (story, value) pair set for `field`."""
        for story, fields in self._values.items():
            if field in fields:
                yield story, fields[field][2]

    def set_many(self, field: str, changes: dict[str, Any]) -> None:
        """Set `field` for several stories in one durable append."""
        if field not in FIELDS:
            raise LibraryError(f"unknown mark {field!r}")
        if not changes:
            return
        when = max(time.time_ns(), self._last_time + 1)
        self._last_time = when
        records = [
            {"id": s, "f": field, "v": v, "t": when, "o": _ORIGIN} for s, v in changes.items()
        ]
        self.log.append(records)
        for record in records:
            self._apply(record)
        if self.log.size() > COMPACT_AT_BYTES:
            self.compact()

    def compact(self) -> None:
        """Fold the log into the snapshot so that opening the library stays fast."""

        def fold(records: list[dict[str, Any]]) -> None:
            for record in records:
                self._apply(record)
            docs = {
                str(number): {"id": story, **{f: list(v) for f, v in fields.items()}}
                for number, (story, fields) in enumerate(self._values.items(), start=1)
            }
            self._storage.write({"_meta": {"1": {"schema": 1}}, "marks": docs})

        self.log.compact(fold)
        self._snapshot_stamp = self._storage.stamp()
        self._offset = 0

    def merge_from(self, other: MarkState) -> int:
        """Take every mark of another library copy that is newer than ours; return how many."""
        records = []
        for story, fields in other._values.items():
            for field, (when, origin, value) in fields.items():
                mine = self._values.get(story, {}).get(field)
                if mine is None or (when, origin) > mine[:2]:
                    records.append({"id": story, "f": field, "v": value, "t": when, "o": origin})
        if records:
            self.log.append(records)
            for record in records:
                self._apply(record)
        return len(records)
