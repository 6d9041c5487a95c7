"""The library changed away from the keys: stories from the watched folder, feeds fetched,
marks made by another process. The list is brought up to date and the user told."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.css.query import NoMatches

from newsreader import collector
from newsreader.append_log import LogBusy
from newsreader.config import Config
from newsreader.first_screen import stamps
from newsreader.ui.feed_worker import FeedsFetched, notify_fetched, start_fetch
from newsreader.ui.listing import Listing
from newsreader.ui.marking import Marking
from newsreader.ui.panes import Panes

if TYPE_CHECKING:  # the library (and numpy) is imported once the first screen is painted
    from newsreader.library import Library
    from newsreader.ui.catalog_reader import CatalogRead
    from newsreader.watch import WatchReport

LOOK_FOR_CHANGES_SECONDS = 0.5  # how often the library's files are checked for others' marks


class Background:
    """The watched folder, the feeds fetched now and then, and the look at the library's files
    that finds what other processes changed."""

    library: Library  # set by the app once the library is open

    def __init__(
        self,
        app: App[Any],
        config: Config,
        watched_folder: Path | None,
        panes: Panes,
        listing: Listing,
        marking: Marking,
    ) -> None:
        self.app = app
        self.config = config
        self.watched_folder = watched_folder
        self.panes = panes
        self.listing = listing
        self.marking = marking
        self._stamps: dict[str, tuple[int, int, int] | None] = {}
        self.reading = False  # whether a thread is reading the catalog again

    def start(self) -> None:
        """Start looking for changes, watching the folder and fetching, as configured."""
        # Marks made by another instance or by `newsreader mark` show within a second: the
        # library's files are looked at (three stat calls), and read only when they changed.
        self._stamps = stamps(self.library.folder, None)
        self.app.set_interval(LOOK_FOR_CHANGES_SECONDS, self.look_for_changes)
        if self.watched_folder is not None:
            # Imported here: the watcher pulls in every dump parser, which start-up can skip.
            from newsreader.ui.workers import start_watching

            start_watching(self.app, self.watched_folder, self.library.folder, self.config.rules)
        if self.config.fetch_interval:
            self.app.set_interval(self.config.fetch_interval * 60, self.fetch)

    def look_for_changes(self) -> None:
        """Show what other processes changed in the library since the last look, if anything.

        An import is read on a thread (seconds in a big library): the list shows the stories
        it had, and takes keys, until the new catalog is in."""
        if self.reading:
            return  # what else changed meanwhile is looked at once that read is in
        now = stamps(self.library.folder, None)
        if now == self._stamps:
            return
        if self.library.catalog.changed_on_disk():
            from newsreader.ui.catalog_reader import start_reading

            self.reading = True
            start_reading(self.app, self.library, now)
            return
        try:
            self.pick_up_changes(wait=False)
        except LogBusy:
            return  # a mark is being written (a slow disk): look again next time
        except NoMatches:
            return  # the app is closing: its widgets are already gone
        self._stamps = now

    def catalog_read(self, message: CatalogRead) -> None:
        """The catalog read on a thread is in: list its stories, with the marks made since."""
        self.reading = False
        if message.error is not None:
            raise message.error  # as if read here: a damaged file ends the app, naming it
        adopted = message.version is not None and self.library.adopt(message.version)
        try:
            marked = self.library.refresh(wait=False, catalog=False)
        except LogBusy:
            marked = False  # a mark is being written: its file is looked at again next time
        else:
            self._stamps = message.stamps
        if adopted or marked:
            try:
                self.listing.reload()  # the cursor stays on its story
            except NoMatches:
                return  # the app is closing: its widgets are already gone
            collector.spare_what_lives()

    def pick_up_changes(self, wait: bool = True) -> None:
        """Read what changed in the library's files, and list it (LogBusy: `wait` was False
        and a write holds the marks log)."""
        if self.library.refresh(wait):
            self.listing.reload()
            collector.spare_what_lives()

    def dumps_arrived(self, report: WatchReport) -> None:
        """The watcher imported through its own Library: read what it wrote, tell the user."""
        from newsreader.ui.workers import notify_arrivals

        if report.outcome is not None:
            for change in report.outcome.report.rule_changes:
                self.marking.undo_stack.push(change)
        self.pick_up_changes()
        notify_arrivals(self.app, report)

    def fetch(self) -> None:
        """Fetch the subscriptions in the background; progress shows in the status line."""
        self.panes.set_status("Fetching feeds…")
        start_fetch(self.app, self.library.folder, self.config.rules)

    def fetched(self, message: FeedsFetched) -> None:
        """The fetch ended: list what it brought, and tell the user."""
        for change in message.changes:
            self.marking.undo_stack.push(change)
        self.pick_up_changes()
        self.listing.update_status()
        notify_fetched(self.app, message)
