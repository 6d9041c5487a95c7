"""Hot state — read, starred, group decisions — as a mergeable log folded into a TinyDB snapshot.

Every change is one fsynced line in `marks.log`; now and then the log is folded into
`marks.json` (a TinyDB file written atomically). Each value carries the time it was set, and
the later one wins, so replaying a line twice, or merging two copies of a library made on two
machines, loses neither side's marks.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from newsreader.errors import LibraryError, ReadOnlyLibrary, WriteFailed
from newsreader.library.marks_file import Snapshot
from newsreader.storage import AppendLog, make_private_folder, refuses_writes

FIELDS = ("read", "starred", "group", "hidden", "position", "tags")
# Fields whose changes leave every count as it was (see Library._counts_after).
UNCOUNTED = frozenset({"position", "tags"})
COMPACT_AT_BYTES = 512 * 1024
_HOST = socket.gethostname()
_READ_ONLY_WORDS = ("library is read-only", "permission denied")
# One document of marks.json as compact JSON writes it: enough to find the whole ones in a
# file cut short or partly overwritten.
_STRING = rb'"(?:[^"\\]|\\.)*"'
# A value: a number, a string, true/false/null, or a flat list of them (a position, tags).
_VALUE = rb"(?:[^\[\]{}\"]|" + _STRING + rb"|\[(?:[^\[\]{}\"]|" + _STRING + rb")*\])*"
_SNAPSHOT_DOC = re.compile(
    rb'\{"id":"[^"\\]*"(?:,"\w+":\[-?\d+,' + _STRING + rb"," + _VALUE + rb"\])+\}"
)

# A stamped value: (time in ns, origin, value). Tuples compare by time, then by origin, so
# every copy of the library picks the same winner for two changes made at the same instant.
Stamped = tuple[int, str, Any]


class Writer(Protocol):
    """Where marks go to be written off the caller's thread (writer.py's MarkWriter)."""

    @property
    def unsaved(self) -> int:
        """How many staged changes are not yet durable (nor failed)."""
        ...

    def submit(self, staged: Staged) -> None:
        """Write `staged` after everything submitted before it."""

    def refuse(self, error: LibraryError) -> None:
        """Report a change refused before it was staged."""


@dataclass
class Staged:
    """Marks shown already but not yet durable: the log records, and what each replaced."""

    field: str
    records: list[dict[str, Any]]
    before: dict[str, Stamped | None]

    @property
    def stories(self) -> list[str]:
        """The ids of the stories the marks are for."""
        return list(self.before)


class MarkState:
    """The marks of one library: current values, durable on return from every setter."""

    def __init__(self, folder: Path) -> None:
        make_private_folder(folder)
        self.snapshot_path = folder / "marks.json"
        self.log = AppendLog(folder / "marks.log")
        self._storage = Snapshot(self.snapshot_path)
        # Each field's values by story: one entry per mark, and a field's marks walked alone
        # (a dict of fields per story took 230 bytes more per marked story).
        self._values: dict[str, dict[str, Stamped]] = _no_values()
        self._origins: dict[str, str] = {}
        self._offset = 0
        self._verified = 0  # the log up to here holds nothing our values lack (see `current`)
        self._snapshot_stamp: tuple[int, int, int] | None = None
        self._last_time = 0
        # The time of the newest value held: a mark appended later with a later time wins
        # over every one of them (the saved first screen is corrected by such marks).
        self.latest = 0
        # Set by the app: marks are then written on the writer's thread, not the caller's.
        self.writer: Writer | None = None
        self.read_only = refuses_writes(folder)
        # Called once each change is durable (the library keeps its counts summary with it).
        # Given the field changed and each story's (old, new) value; None and {} for a merge.
        self.on_commit: Callable[[str | None, dict[str, tuple[Any, Any]]], None] | None = None
        # Moves on whenever values change other than by this process's own `set_many`.
        self.generation = 0
        # Moves on whenever any value changes, this process's own included; since the last
        # load, the stories changed are listed in `_changed` (search keeps masks up to date).
        self.changes = 0
        self._changed: list[str] = []
        self._changed_from = 0
        self.reload()

    def reload(self) -> None:
        """Read the snapshot and the whole log again."""
        with self.log.shared():
            self._load()

    def _load(self) -> None:
        # Called with compaction held off: otherwise a compaction between reading the
        # snapshot and reading the log would hide the records it moved from one to the other.
        documents = self._storage.documents()
        self._snapshot_stamp = self._storage.read_stamp
        self._values = _no_values()
        self.latest = 0
        self.changes += 1
        for doc in documents:
            for record in snapshot_records(doc):
                self._apply(record)
        self._offset = 0
        self._verified = 0
        self.generation += 1
        self._apply_log()
        self._changed, self._changed_from = [], self.changes

    def _merge_snapshot(self, data: dict[str, Any]) -> None:
        for doc in data.get("marks", {}).values():
            for record in snapshot_records(doc):
                self._apply(record)

    def refresh(self, wait: bool = True) -> bool:
        """Pick up what other processes wrote since the last look; True when anything changed.

        With `wait` False, raise LogBusy rather than wait while a write holds the log."""
        with self.log.shared(wait):
            if self._storage.stamp() != self._snapshot_stamp or self.log.size() < self._offset:
                self._load()
                return True
            return self._apply_log() > 0

    def current(self) -> bool:
        """Whether the values held are all the files hold now: nothing another process wrote
        since the last look is missing from them (what this one wrote is in them already)."""
        with self.log.shared():
            if self._storage.stamp() != self._snapshot_stamp or self.log.size() < self._offset:
                return False
            start = max(self._offset, self._verified)
            records, end = self.log.read_from(start)
            if not all(self._holds(record) for record in records):
                return False
            self._verified = end
            return True

    def _holds(self, record: dict[str, Any]) -> bool:
        story, field, when = record.get("id"), record.get("f"), record.get("t")
        if not (isinstance(story, str) and field in FIELDS and isinstance(when, int)):
            return True  # a line `_apply` skips changes nothing
        mine = self._values[str(field)].get(story)
        return mine is not None and mine[:2] >= (when, str(record.get("o", "")))

    def _apply_log(self) -> int:
        records, self._offset = self.log.read_from(self._offset)
        for record in records:
            self._apply(record)
        if records:
            self.generation += 1
        return len(records)

    def _apply(self, record: dict[str, Any]) -> None:
        story, field, when = record.get("id"), record.get("f"), record.get("t")
        if isinstance(story, str) and field in FIELDS and isinstance(when, int):
            origin = str(record.get("o", ""))
            # Marks come from a few processes: one string for each origin, not one per mark.
            origin = self._origins.setdefault(origin, origin)
            self._merge(story, str(field), (when, origin, record.get("v")))

    def _merge(self, story: str, field: str, stamped: Stamped) -> None:
        current = self._values[field]
        known = current.get(story)
        if known is None or stamped[:2] > known[:2]:
            current[story] = stamped
            self.latest = max(self.latest, stamped[0])
            self.changes += 1
            self._changed.append(story)

    def get(self, story: str, field: str, default: Any = None) -> Any:
        """The current value of `field` for `story`."""
        stamped = self._values.get(field, {}).get(story)
        return default if stamped is None else stamped[2]

    def changed_since(self, changes: int) -> list[str] | None:
        """The stories whose marks changed since `changes` was read, or None if unknown."""
        if changes < self._changed_from:
            return None  # the values were read again from the files since
        return self._changed[changes - self._changed_from :]

    def copies(self, fields: Iterable[str]) -> dict[str, dict[str, Stamped]]:
        """Each field's marks as they are now, copied: a thread may read them meanwhile."""
        return {field: dict(self._values[field]) for field in fields}

    def items(self, field: str) -> Iterable[tuple[str, Any]]:
        """Every (story, value) pair set for `field`."""
        for story, stamped in self._values.get(field, {}).items():
            yield story, stamped[2]

    def marked_ids(self, field: str) -> list[str]:
        """The stories whose `field` is set (to a true value)."""
        # One comprehension over the field's values: a third of the time of `items`.
        return [story for story, stamped in self._values.get(field, {}).items() if stamped[2]]

    def set_many(self, field: str, changes: dict[str, Any]) -> bool:
        """Set `field` for several stories in one durable append; False if the writer refused.

        Without a writer the marks are on disk when this returns, and a failed write raises
        WriteFailed (or ReadOnlyLibrary) with nothing changed. With one, they show at once
        and are written on its thread; a failure is reported to it and the marks taken back.
        """
        if field not in FIELDS:
            raise LibraryError(f"unknown mark {field!r}")
        if not changes:
            return True
        if self.read_only:
            refused = ReadOnlyLibrary(self.log.path.parent, "mark not saved")
            if self.writer is None:
                raise refused
            self.writer.refuse(refused)
            return False
        staged = self.stage(field, changes)
        if self.writer is not None:
            self.writer.submit(staged)
            return True
        try:
            self.write(staged)
        except WriteFailed as error:
            self.settle(staged, error)
            raise
        self.settle(staged, None)
        return True

    def stage(self, field: str, changes: dict[str, Any]) -> Staged:
        """Show `changes` at once, before they are written; `write` then `settle` them."""
        when = max(time.time_ns(), self._last_time + 1)
        self._last_time = when
        # The pid is read now, not at import: processes forked from one parent differ.
        origin = f"{_HOST}:{os.getpid()}"
        records = [
            {"id": s, "f": field, "v": v, "t": when, "o": origin} for s, v in changes.items()
        ]
        before = {s: self._values[field].get(s) for s in changes}
        for record in records:
            self._apply(record)
        return Staged(field, records, before)

    def absorb(self, records: Iterable[dict[str, Any]]) -> None:
        """Take in marks this process appended to the log before it held these values (the
        app's first screen writes them before the library is open); the next change made here
        is stamped after them."""
        for record in records:
            self._apply(record)
            when = record.get("t")
            if isinstance(when, int):
                self._last_time = max(self._last_time, when)
        self.generation += 1

    def write(self, staged: Staged) -> None:
        """Append staged marks durably (safe on another thread: only the log is touched)."""
        try:
            self.log.append(staged.records)
        except OSError as error:
            raise WriteFailed(self.log.path, error, "mark not saved") from error

    def settle(self, staged: Staged, error: LibraryError | None) -> None:
        """After `write`: on failure take the marks back (unless changed since), else tidy up."""
        if error is not None:
            if isinstance(error, WriteFailed) and error.words in _READ_ONLY_WORDS:
                self.read_only = True  # found at the first failed write, not only at start
            for record in staged.records:
                story = record["id"]
                values = self._values[staged.field]
                if values.get(story) == (record["t"], record["o"], record["v"]):
                    previous = staged.before[story]
                    self.changes += 1
                    self._changed.append(story)
                    if previous is None:
                        del values[story]
                    else:
                        values[story] = previous
            return
        if self.log.size() > COMPACT_AT_BYTES:
            # The marks are in the log already: a compaction that fails loses none of them.
            with contextlib.suppress(OSError):
                self.compact()
        # The value now, not the one asked for: a later change (from a machine whose clock
        # runs ahead, merged in) may have kept its place.
        field = staged.field
        self._committed(
            field,
            {
                s: (None if old is None else old[2], self.get(s, field))
                for s, old in staged.before.items()
            },
        )

    def _committed(self, field: str | None, changes: dict[str, tuple[Any, Any]]) -> None:
        if self.on_commit is not None:
            self.on_commit(field, changes)

    def compact(self) -> None:
        """Fold the log into the snapshot so that opening the library stays fast."""

        def fold(records: list[dict[str, Any]]) -> None:
            # Another process may have compacted since we last looked: its snapshot holds
            # records no longer in the log, and ours must not be written without them.
            if self._storage.stamp() != self._snapshot_stamp:
                self._merge_snapshot(self._storage.read() or {})
            for record in records:
                self._apply(record)
            by_story: dict[str, dict[str, Any]] = {}
            for field, values in self._values.items():
                for story, stamped in values.items():
                    by_story.setdefault(story, {"id": story})[field] = list(stamped)
            docs = {str(number): doc for number, doc in enumerate(by_story.values(), start=1)}
            self._storage.write({"_meta": {"1": {"schema": 1}}, "marks": docs})

        self.log.compact(fold)
        self.generation += 1  # the snapshot folded in may hold other processes' marks
        self._snapshot_stamp = self._storage.read_stamp
        self._offset = 0

    def records(self) -> list[dict[str, Any]]:
        """Every current value as a log record (id, field, value, time, origin)."""
        return [
            {"id": story, "f": field, "v": value, "t": when, "o": origin}
            for field, values in self._values.items()
            for story, (when, origin, value) in values.items()
        ]

    def merge_records(self, records: Iterable[dict[str, Any]]) -> int:
        """Take the records newer than our value (the later change wins); return how many."""
        newer = []
        for record in records:
            story, field, when = record.get("id"), record.get("f"), record.get("t")
            if not (isinstance(story, str) and field in FIELDS and isinstance(when, int)):
                continue
            mine = self._values[str(field)].get(story)
            if mine is None or (when, str(record.get("o", ""))) > mine[:2]:
                newer.append(record)
        if newer:
            if self.read_only:
                raise ReadOnlyLibrary(self.log.path.parent, "marks not merged")
            try:
                self.log.append(newer)
            except OSError as error:
                raise WriteFailed(self.log.path, error, "marks not merged") from error
            for record in newer:
                self._apply(record)
            self._committed(None, {})
        return len(newer)

    def merge_from(self, other: MarkState) -> int:
        """Take every mark of another library copy that is newer than ours; return how many."""
        return self.merge_records(other.records())


def _no_values() -> dict[str, dict[str, Stamped]]:
    return {field: {} for field in FIELDS}


def snapshot_records(doc: Any) -> list[dict[str, Any]]:
    """The log records a document of marks.json stands for; [] for a malformed document."""
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        return []
    records = []
    for field in FIELDS:
        stamped = doc.get(field)
        if isinstance(stamped, list) and len(stamped) == 3 and isinstance(stamped[0], int):
            when, origin, value = stamped
            records.append({"id": doc["id"], "f": field, "v": value, "t": when, "o": str(origin)})
    return records


def salvage_snapshot(raw: bytes) -> list[dict[str, Any]]:
    """The log records of every whole document still readable in a damaged marks.json."""
    records = []
    for match in _SNAPSHOT_DOC.findall(raw):
        with contextlib.suppress(orjson.JSONDecodeError):
            records += snapshot_records(orjson.loads(match))
    return records


def count_log_lines(path: Path) -> tuple[int, int]:
    """(records, lines that do not parse) in the log at `path`; a torn last line is one."""
    try:
        lines = [line for line in path.read_bytes().splitlines() if line.strip()]
    except FileNotFoundError:
        return 0, 0
    good = 0
    for line in lines:
        with contextlib.suppress(orjson.JSONDecodeError):
            good += isinstance(orjson.loads(line), dict)
    return good, len(lines) - good
