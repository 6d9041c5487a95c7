"""Watching a folder for new dumps: find files once they stop growing, import them on their own.

The app polls a `FolderWatch` from a worker thread and imports what it finds through a
`Library` opened by that thread (a Library is not shared between threads).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsreader.counting import count, stories
from newsreader.errors import NewsreaderError
from newsreader.importer import ImportOutcome, find_dump_files, import_paths
from newsreader.library import Library
from newsreader.rules import Rule, summary

POLL_SECONDS = 2.0

# Browsers and downloaders write under these names, then rename the file when it is complete.
_PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp")

# File times come from the kernel's coarse clock, a little behind time.time(): a file written
# just after the watch started may carry a time just before it.
_CLOCK_SLACK = 1.0

_Signature = tuple[int, int]  # (size, modification time in ns)


class FolderWatch:
    """The dumps that appear in a folder (recursively), each reported once it is complete.

    Files already there when the watch starts are left alone, unless they were written or
    moved in after `since` (the moment the user asked for the watch): those arrived while
    the watch was starting. A file counts as complete when its size and modification time
    are the same in two polls in a row; a file changed after it was reported is reported again.
    """

    def __init__(self, folder: Path, since: float | None = None) -> None:
        self.folder = Path(folder)
        since = (time.time() if since is None else since) - _CLOCK_SLACK
        self._reported: dict[Path, _Signature] = {}
        self._last: dict[Path, _Signature] = {}
        for path, (signature, changed) in self._scan().items():
            if changed < since:
                self._reported[path] = signature
            else:
                self._last[path] = signature

    def poll(self) -> list[Path]:
        """The files that are new or changed and did not change since the last poll."""
        ready = []
        current = {path: signature for path, (signature, _) in self._scan().items()}
        for path, signature in current.items():
            if self._reported.get(path) == signature:
                continue
            if self._last.get(path) == signature:
                ready.append(path)
                self._reported[path] = signature
        self._last = current
        for gone in set(self._reported) - set(current):
            del self._reported[gone]
        return sorted(ready)

    def _scan(self) -> dict[Path, tuple[_Signature, float]]:
        if not self.folder.is_dir():
            return {}
        files, _ = find_dump_files([self.folder])
        found = {}
        for path in files:
            if path.name.lower().endswith(_PARTIAL_SUFFIXES) or path.name.startswith("~"):
                continue
            try:
                info = os.stat(path)
            except OSError:
                continue  # removed between the listing and now
            # A move into the folder keeps the modification time but sets the change time.
            changed = max(info.st_mtime, info.st_ctime)
            found[path] = ((info.st_size, info.st_mtime_ns), changed)
        return found


@dataclass(frozen=True)
class WatchReport:
    """What importing one batch of arrived files did, or why it could not be done."""

    files: tuple[Path, ...]
    outcome: ImportOutcome | None = None
    error: str | None = None

    @property
    def stories_added(self) -> int:
        """How many stories the batch added to the library."""
        return self.outcome.report.stories_added if self.outcome else 0

    def summary(self) -> str:
        """One line for a notification: what was imported, or that nothing was new."""
        if self.error is not None or self.outcome is None:
            return f"Could not import from the watched folder: {self.error}"
        report = self.outcome.report
        new_dumps = report.dumps_read - report.dumps_already_there
        if new_dumps:
            text = f"Imported {stories(report.stories_added)} from {count(new_dumps, 'dump')}"
            hidden = report.duplicates_hidden
            if hidden:
                # So that the list growing by fewer than were imported is no surprise.
                text += f", {hidden} of them hidden as " + (
                    "a version of another" if hidden == 1 else "versions of others"
                )
        else:
            text = "Nothing new imported"
        if report.dumps_already_there:
            text += f" ({count(report.dumps_already_there, 'dump')} already in the library)"
        if report.rule_changes:
            text += f"; {summary(report.rule_changes)}"
        return text + "."

    def rejected(self) -> str | None:
        """The rejected files by name, each with its reason, or None when there were none."""
        if self.outcome is None or not self.outcome.rejected:
            return None
        return "\n".join(f"{Path(e.name).name}: {e.reason}" for e in self.outcome.rejected)


def import_arrivals(
    library_folder: Path, files: Sequence[Path], rules: Sequence[Rule] = ()
) -> WatchReport:
    """Import `files` into the library in `library_folder`, through a Library of its own,
    applying the mute `rules` to what is new."""
    try:
        library = Library(library_folder)
        library.rules = rules
        try:
            outcome = import_paths(library, list(files))
        finally:
            library.close()
    except (NewsreaderError, OSError) as error:
        return WatchReport(tuple(files), error=str(error))
    return WatchReport(tuple(files), outcome)
