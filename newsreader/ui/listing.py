"""What the story list shows: a filter, a search as you type, a grouping, other versions shown
in place; and the counts the status line gives for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.actions import SkipAction
from textual.app import App
from textual.timer import Timer

from newsreader.errors import QueryError
from newsreader.filters import View, select
from newsreader.first_screen import status_line
from newsreader.ui.panes import Panes
from newsreader.ui.widgets.story_list import ListRow, StoryRows

# Searching and the library's columns are imported where used: they pull in numpy, which
# the first screen is painted without.
if TYPE_CHECKING:
    from newsreader.library import Library
    from newsreader.library.columns import StorySelection
    from newsreader.query import Query

# Phrases are checked on the stories' text, which can take seconds in a big library: a key
# typed gets what this much time finds, and the whole answer comes once typing pauses.
_TYPING_SECONDS = 0.08
_FINISH_AFTER_SECONDS = 0.4


class Listing:
    """The rows the list shows and why: the view (filter and search), the grouping, the
    stories whose other versions are shown in place, and the unread and starred counts."""

    library: Library  # set by the app once the library is open

    def __init__(self, app: App[Any], panes: Panes) -> None:
        self.app = app
        self.panes = panes
        self.view = View()
        self.total = 0  # stories a reader sees, filtered or not: the 340 of "12 of 340"
        self.unread = 0
        self.starred = 0
        self.grouping: str | None = None  # "source" or "tag": the list under group headers
        self.expanded: set[str] = set()  # stories whose other versions are shown in place
        self._partial: Sequence[str] | None = None  # ids found so far while `view` is not complete
        self._finish: Timer | None = None

    # ---- the rows -------------------------------------------------------------------------

    def load(self, keep: str | None = None) -> None:
        """List what the view selects, with the cursor on story `keep` when it is there."""
        stories, self.total = self.select()
        # Rows are made as they are drawn: a big library costs no more to show than a small.
        library = self.library
        if self.grouping is None:
            rows: Sequence[ListRow] = StoryRows(
                stories, library.versions, library.meta, self.expanded
            )
        else:
            from newsreader.grouping import grouped_rows

            rows = grouped_rows(library, stories, self.grouping)
        self.panes.story_list.set_rows(rows, keep=keep)
        if not rows:
            self.panes.show_nothing()  # an empty search result, say: no story is left on show
        self.unread, self.starred = self.library.counts()
        self.update_status()

    def reload(self) -> None:
        """List the rows again (the library or the view changed), the cursor kept on its story."""
        current = self.panes.story_list.current
        self.load(keep=current.id if current else None)

    def select(self) -> tuple[StorySelection, int]:
        """The stories the view shows, and how many are visible in all."""
        found = None if self.view.complete else self._partial
        return select(self.library, self.view, found=found)

    def update_status(self) -> None:
        """Say in the status line what the list shows, and the counts."""
        shown = self.panes.story_list.story_count
        title = self.view.title(shown, self.total)
        if self.grouping is not None:
            title += f" by {self.grouping}"
        line = status_line(title, self.unread, self.starred)
        if self.library.read_only:
            line += "  ·  library is read-only"
        self.panes.set_status(line)

    def set_view(self, view: View) -> None:
        """Show what `view` selects, keeping the cursor on the same story when it is still there."""
        if view != self.view:
            self.view = view
            self.reload()

    def show(self, which: str) -> None:
        """Show all, unread or starred stories (the search, if any, still narrowing them)."""
        self.set_view(replace(self.view, show=which))

    def cycle_grouping(self) -> None:
        """Group the list by source, then by tag, then not."""
        from newsreader.grouping import next_grouping

        self.grouping = next_grouping(self.grouping)
        self.reload()

    def toggle_versions(self) -> None:
        """Show the other versions of the story under the cursor in place, or hide them."""
        row = self.panes.story_list.current_row
        if row is None:
            return
        if self.grouping is not None:
            self.app.notify("Other versions show in place in a list not grouped (= ungroups it).")
            return
        shown = row.version_of or row.story.id
        if shown in self.expanded:
            self.expanded.discard(shown)
        elif row.hidden_versions:
            self.expanded.add(shown)
        else:
            self.app.notify("This story has no other versions.")
            return
        self.load(keep=shown)

    # ---- searching ------------------------------------------------------------------------

    def open_search(self) -> None:
        """Open the `/` bar."""
        bar = self.panes.search_bar
        if self.app.focused is bar.input or self.app.screen is not self.app.screen_stack[0]:
            raise SkipAction()  # `/` typed in the bar is text; a dialog keeps its keys
        bar.open()

    def search_for(self, text: str) -> None:
        """Narrow the list to the stories matching `text`; a bad query is shown in the bar."""
        from newsreader.query import parse_query
        from newsreader.search.index import find

        bar = self.panes.search_bar
        now = datetime.now().astimezone()
        try:
            query = parse_query(text, now) if text.strip() else None
        except QueryError as error:
            bar.show_error(str(error))
            # A term still being typed (`source:`, `@`): the list, and the status line that
            # says what it shows, follow the query without it, not the word before the colon.
            words = text.split()
            if not words or not words[-1].endswith((":", "@", "-")):
                return
            try:
                before = " ".join(words[:-1])
                query = parse_query(before, now) if before.strip() else None
            except QueryError:
                return
        else:
            bar.show_error(None)
        if self._finish is not None:
            self._finish.stop()
        complete = True
        if query is not None and _has_phrases(query):
            found = find(self.library, query, seconds=_TYPING_SECONDS)
            if not found.complete:
                complete, self._partial = False, found.ids
                self._finish = self.app.set_timer(_FINISH_AFTER_SECONDS, self.finish_search)
        self.set_view(replace(self.view, query=query, complete=complete))

    def finish_search(self) -> None:
        """Show every match of a search that typing cut short."""
        if self._finish is not None:
            self._finish.stop()
        if not self.view.complete:
            self.set_view(replace(self.view, complete=True))
        self._partial = None

    def close_search(self, keep: bool) -> None:
        """Close the bar, keeping the search (Enter) or dropping it (Esc)."""
        if keep:
            self.finish_search()
        else:
            self._drop_search()
        self.panes.search_bar.close()
        self.panes.focus(self.panes.story_list)

    def clear_search(self) -> None:
        """Drop the query and hide the bar."""
        bar = self.panes.search_bar
        bar.input.value = ""
        bar.show_error(None)
        bar.close()
        self._drop_search()

    def _drop_search(self) -> None:
        if self._finish is not None:
            self._finish.stop()
        self._partial = None
        self.set_view(replace(self.view, query=None, complete=True))

    def back(self) -> None:
        """Esc: back out of a search kept with Enter, and back to the list."""
        if self.app.focused is self.panes.story_list and self.view.searching:
            self.clear_search()
        self.panes.focus(self.panes.story_list)


def _has_phrases(query: Query) -> bool:
    """Whether the query has phrases, the terms checked on the stories' text."""
    return bool(query.include.phrases or query.exclude.phrases)
