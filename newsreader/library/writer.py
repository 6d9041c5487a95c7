"""The mark writer: marks made in the app are written durably on a thread of their own.

On a disk whose fsync takes 100 ms or more, writing each mark before the next key is handled
froze the screen for that long. The app shows a mark at once, hands it here, and learns
through `done` whether it became durable; a failed one is taken back by `MarkState.settle`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from newsreader.errors import LibraryError, WriteFailed
from newsreader.library.marks import MarkState, Staged

# Called on the writer's thread: the app must hand it over to its own (post a message).
Done = Callable[[Staged | None, LibraryError | None], None]


class MarkWriter:
    """Writes staged marks in the order they were made, each durably, off the caller's thread."""

    def __init__(self, marks: MarkState, done: Done) -> None:
        self.marks = marks
        self.done = done
        self._queue: queue.SimpleQueue[Staged | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._unsaved = 0
        self._thread = threading.Thread(target=self._run, name="mark-writer", daemon=True)
        self._thread.start()
        marks.writer = self

    @property
    def unsaved(self) -> int:
        """How many staged changes are not yet durable (nor failed)."""
        with self._idle:
            return self._unsaved

    def submit(self, staged: Staged) -> None:
        """Write `staged` after everything submitted before it."""
        with self._idle:
            self._unsaved += 1
        self._queue.put(staged)

    def refuse(self, error: LibraryError) -> None:
        """Report a change refused before it was staged (a read-only library)."""
        self.done(None, error)

    def _run(self) -> None:
        while (staged := self._queue.get()) is not None:
            error: LibraryError | None = None
            try:
                self.marks.write(staged)
            except WriteFailed as failed:
                error = failed
            except Exception as failed:  # a thread that died would leave every mark unsaved
                error = LibraryError(f"{self.marks.log.path}: {failed} — mark not saved")
            with self._idle:
                self._unsaved -= 1
                self._idle.notify_all()
            self.done(staged, error)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every submitted change is written or has failed; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unsaved == 0, timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Write what is queued, then stop the thread; False if it did not finish in time."""
        self._queue.put(None)
        self._thread.join(timeout)
        self.marks.writer = None
        return not self._thread.is_alive()
