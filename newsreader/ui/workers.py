"""The app's background work: thread workers that report back to the app by messages."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App
from textual.message import Message
from textual.worker import Worker, get_current_worker

from newsreader import watch
from newsreader.errors import LibraryError
from newsreader.library.marks import Staged
from newsreader.library.writer import MarkWriter
from newsreader.rules import Rule


class DumpsArrived(Message):
    """Dumps that appeared in the watched folder were imported (or could not be)."""

    def __init__(self, report: watch.WatchReport) -> None:
        super().__init__()
        self.report = report


class MarksWritten(Message):
    """Marks handed to the mark writer are durable now, or failed (`error`) and were not kept."""

    def __init__(self, staged: Staged | None, error: LibraryError | None) -> None:
        super().__init__()
        self.staged = staged
        self.error = error


def start_mark_writer(app: App[Any], library: Any) -> MarkWriter:
    """Write the library's marks off the UI thread; each outcome is posted to `app`."""

    def done(staged: Staged | None, error: LibraryError | None) -> None:
        # post_message is safe from another thread, and never waits for the app.
        app.post_message(MarksWritten(staged, error))

    return MarkWriter(library.marks, done)


def start_watching(
    app: App[Any], folder: Path, library_folder: Path, rules: Sequence[Rule] = ()
) -> Worker[None] | None:
    """Poll `folder` in a thread worker, import what arrives, post `DumpsArrived` to `app`."""
    if not folder.is_dir():
        app.notify(
            f"{folder}: no such folder", title="Not watching", severity="error", markup=False
        )
        return None
    since = time.time()  # taken now: files arriving before the thread's first scan count too

    def run() -> None:
        worker = get_current_worker()
        folder_watch = watch.FolderWatch(folder, since)
        # The event is set on cancel (the app quitting): the wait ends at once.
        while not worker.cancelled_event.wait(watch.POLL_SECONDS):
            arrived = folder_watch.poll()
            if arrived:
                app.post_message(
                    DumpsArrived(watch.import_arrivals(library_folder, arrived, rules))
                )

    return app.run_worker(run, name=f"watch {folder}", group="watch", thread=True, exclusive=True)


def notify_arrivals(app: App[Any], report: watch.WatchReport) -> None:
    """Tell the user what an import from the watched folder did, naming rejected files."""
    if report.error is not None:
        app.notify(report.summary(), title="Watched folder", severity="error", markup=False)
        return
    # File names and reasons are text, not markup.
    app.notify(report.summary(), title="Watched folder", markup=False)
    rejected = report.rejected()
    if rejected:
        app.notify(rejected, title="Not imported", severity="warning", timeout=10, markup=False)
