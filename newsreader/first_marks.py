"""Marks made on the saved first screen before the library is open: shown at once, appended to
`marks.log` on a thread of their own, handed to the library once it is open.

A mark is one line of the log keyed by the story's id, stamped as the library's own marks are
(newsreader/library/marks.py reads them): making one needs the rows on screen and their folded
versions, which the first screen holds — not the catalog, the duplicate index or the search
index. A core module without numpy or TinyDB, which the first frame is drawn without.
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.append_log import AppendLog, refuses_writes
from newsreader.first_screen import MARKS, FirstScreen, status_line
from newsreader.undo import Change

Record = dict[str, Any]


@dataclass
class Outcome:
    """What became of the marks made before the library opened."""

    written: list[Record] = field(default_factory=list)  # durable, in the order made
    failed: list[tuple[Change, OSError]] = field(default_factory=list)  # taken back


class FirstMarks:
    """The read and starred marks of the first screen's stories, changed before the library
    opens; each change is durable once the thread writing them has got to it."""

    def __init__(self, folder: Path, screen: FirstScreen, group_read: bool = True) -> None:
        """`group_read`: marking a story read marks its folded versions too (as the library)."""
        self.title = screen.title
        self.unread, self.starred = screen.unread, screen.starred
        self.group_read = group_read
        self.read_only = refuses_writes(folder)
        self._values: dict[str, dict[str, bool]] = {}
        self._titles: dict[str, str] = {}
        self._versions: dict[str, list[str]] = {}
        for row in screen.rows:
            self._values[row.id] = {"read": row.read, "starred": row.starred}
            self._titles[row.id] = row.title
            folded = screen.versions.get(row.id, ())
            self._versions[row.id] = [version.id for version in folded]
            for version in folded:
                self._values[version.id] = {"read": version.read, "starred": version.starred}
        # Stamped after every mark the screen shows: a change made on it wins over them all.
        self._last_time = screen.latest
        self._origin = f"{socket.gethostname()}:{os.getpid()}"  # as MarkState stamps its own
        self._log = AppendLog(folder / "marks.log")
        self._queue: queue.SimpleQueue[tuple[Change, list[Record]] | None] = queue.SimpleQueue()
        self._outcome = Outcome()
        self._thread: threading.Thread | None = None  # started by the first mark

    def is_read(self, story_id: str) -> bool:
        """Whether the story is marked read."""
        return self.value("read", story_id)

    def is_starred(self, story_id: str) -> bool:
        """Whether the story is starred."""
        return self.value("starred", story_id)

    def value(self, mark: str, story_id: str) -> bool:
        """The story's `mark` ("read" or "starred"); False for a story not on the screen."""
        return self._values.get(story_id, {}).get(mark, False)

    def title_of(self, story_id: str) -> str:
        """The title of a story on the screen."""
        return self._titles[story_id]

    @property
    def status(self) -> str:
        """The status line with the counts as these marks leave them."""
        return status_line(self.title, self.unread, self.starred)

    def set(self, mark: str, story_id: str, value: bool, description: str) -> Change | None:
        """Set `mark` of a row's story (read: and of its folded versions) to `value`; shown
        at once and written in order on a thread. The change that undoes it, or None."""
        if mark not in MARKS or story_id not in self._titles:
            raise ValueError(f"{mark} of {story_id!r}: not a mark of a row on the first screen")
        stories = [story_id]
        if mark == "read" and self.group_read:
            stories += self._versions[story_id]
        changed = [sid for sid in stories if self.value(mark, sid) != value]
        if not changed:
            return None
        when = max(time.time_ns(), self._last_time + 1)
        self._last_time = when
        records = [
            {"id": sid, "f": mark, "v": value, "t": when, "o": self._origin} for sid in changed
        ]
        for sid in changed:
            self._values[sid][mark] = value
        self._count(mark, story_id in changed, len(changed), value)
        change = Change(description, mark, {sid: not value for sid in changed})
        if self._thread is None:
            self._thread = threading.Thread(target=self._write, name="first-marks", daemon=True)
            self._thread.start()
        self._queue.put((change, records))
        return change

    def _count(self, mark: str, row_changed: bool, changed: int, value: bool) -> None:
        # Folded versions are not counted unread; a star counts wherever it is.
        step = 1 if value else -1
        if mark == "read" and row_changed and self.unread is not None:
            self.unread -= step
        elif mark == "starred" and self.starred is not None:
            self.starred += step * changed

    def _write(self) -> None:
        while (item := self._queue.get()) is not None:
            change, records = item
            try:
                self._log.append(records)
            except OSError as error:
                self._outcome.failed.append((change, error))
            else:
                self._outcome.written.extend(records)

    def close(self) -> Outcome:
        """Wait for every mark made to be written (or to fail); what became of them."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        return self._outcome
