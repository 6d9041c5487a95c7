"""The app's keyboard triage: moving, filtering, searching, bulk marking, undo, themes, copying.

`NewsReader` inherits these actions; each one is named in `newsreader.actions.ACTIONS`, which
binds its keys and lists it in the help and the command palette.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.app import App
from textual.timer import Timer

from newsreader import undo
from newsreader.counting import short, stories
from newsreader.errors import NewsreaderError, QueryError
from newsreader.filters import SHOWS, View, select
from newsreader.grouping import GroupedRows
from newsreader.sanitize import is_web_link
from newsreader.undo import Change, UndoStack
from newsreader.widgets.search_bar import SearchBar

# Searching, exporting and the library's columns are imported where used: they pull in
# numpy, which the first screen is painted without.
if TYPE_CHECKING:
    from newsreader.library import Library
    from newsreader.library.columns import StorySelection
    from newsreader.query import Query
    from newsreader.widgets.reader import Reader
    from newsreader.widgets.story_list import StoryList

# The built-in themes in the order `t` goes through them; the user's own come after.
THEME_ORDER = ("newsreader-dark", "newsreader-light", "newsreader-high-contrast", "newsreader-ansi")
_REFRESH_ALL_ABOVE = 64  # changes to more rows than this redraw the list rather than each row
# Phrases are checked on the stories' text, which can take seconds in a big library: a key
# typed gets what this much time finds, and the whole answer comes once typing pauses.
_TYPING_SECONDS = 0.08
_FINISH_AFTER_SECONDS = 0.4


class Triage(App[None]):
    """Keyboard actions over the list and the reader, and the state they keep."""

    if TYPE_CHECKING:  # provided by NewsReader
        library: Library
        unread: int
        starred: int

        @property
        def story_list(self) -> StoryList: ...

        @property
        def reader(self) -> Reader: ...

        def _load_rows(self, keep: str | None = None) -> None: ...

        def _update_status(self) -> None: ...

        def _focus_pane(self, pane: StoryList | Reader) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.view = View()
        self.total = 0  # stories a reader sees, filtered or not: the 340 of "12 of 340"
        self.undo_stack = UndoStack()
        self.own_themes: list[str] = []  # names of the themes loaded from theme files
        self._partial: list[str] | None = None  # ids found so far while `view` is not complete
        self._finish: Timer | None = None
        self.read_at_end: str | None = None  # opened to read on: marked once its end is drawn
        self.key_time: float | None = None  # when the key being handled was typed

    @property
    def search_bar(self) -> SearchBar:
        """The `/` bar."""
        return self.query_one(SearchBar)

    # ---- what the list shows --------------------------------------------------------------

    def select_view(self) -> tuple[StorySelection, int]:
        """The stories the view shows, and how many are visible in all."""
        found = None if self.view.complete else self._partial
        return select(self.library, self.view, found=found)

    def set_view(self, view: View) -> None:
        """Show what `view` selects, keeping the cursor on the same story when it is still there."""
        if view == self.view:
            return
        self.view = view
        current = self.story_list.current
        self._load_rows(keep=current.id if current else None)

    def action_show_all(self) -> None:
        self.set_view(replace(self.view, show="all"))

    def action_show_unread(self) -> None:
        self.set_view(replace(self.view, show="unread"))

    def action_show_starred(self) -> None:
        self.set_view(replace(self.view, show="starred"))

    def action_search(self) -> None:
        if self.focused is self.search_bar.input or self.screen is not self.screen_stack[0]:
            raise SkipAction()  # `/` typed in the bar is text; a dialog keeps its keys
        self.search_bar.open()

    def on_search_bar_changed(self, message: SearchBar.Changed) -> None:
        self.search_for(message.text)

    def search_for(self, text: str) -> None:
        """Narrow the list to the stories matching `text`; a bad query is shown in the bar."""
        from newsreader.query import parse_query
        from newsreader.search.index import find

        now = datetime.now().astimezone()
        try:
            query = parse_query(text, now) if text.strip() else None
        except QueryError as error:
            self.search_bar.show_error(str(error))
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
            self.search_bar.show_error(None)
        if self._finish is not None:
            self._finish.stop()
        complete = True
        if query is not None and _has_phrases(query):
            found = find(self.library, query, seconds=_TYPING_SECONDS)
            if not found.complete:
                complete, self._partial = False, found.ids
                self._finish = self.set_timer(_FINISH_AFTER_SECONDS, self.finish_search)
        self.set_view(replace(self.view, query=query, complete=complete))

    def finish_search(self) -> None:
        """Show every match of a search that typing cut short."""
        if self._finish is not None:
            self._finish.stop()
        if not self.view.complete:
            self.set_view(replace(self.view, complete=True))
        self._partial = None

    def on_search_bar_closed(self, message: SearchBar.Closed) -> None:
        if message.keep:
            self.finish_search()
        else:
            self._drop_search()
        self.search_bar.close()
        self._focus_pane(self.story_list)

    def clear_search(self) -> None:
        """Drop the query and hide the bar."""
        self.search_bar.input.value = ""
        self.search_bar.show_error(None)
        self.search_bar.close()
        self._drop_search()

    def _drop_search(self) -> None:
        if self._finish is not None:
            self._finish.stop()
        self._partial = None
        self.set_view(replace(self.view, query=None, complete=True))

    def action_mark_matching_read(self) -> None:
        from newsreader.screens.confirm import ConfirmScreen

        targets = select(self.library, self.view, unread_only=True)[0].ids()
        if not targets:
            self.notify("No unread stories in this list.")
            return
        count = f"{len(targets)} unread {'story' if len(targets) == 1 else 'stories'}"
        if self.view.searching:
            assert self.view.query is not None
            scope = f"matching “{self.view.query.text.strip()}”"
        else:
            scope = f"in “{SHOWS[self.view.show]}”"

        def answered(yes: bool | None) -> None:
            if yes:
                self.record(undo.mark_read(self.library, targets, True, f"marked {count} read"))
                self.notify(f"Marked {count} read. u undoes it.")

        self.push_screen(ConfirmScreen(f"Mark {count} {scope} read?", "Mark read"), answered)

    # ---- undo -----------------------------------------------------------------------------

    def record(self, change: Change | None) -> None:
        """Remember a change the user made, for undo, and show its effect."""
        self.undo_stack.push(change)
        self.show_change(change)

    def show_change(self, change: Change | None) -> None:
        """Redraw what a change (just made or undone) touched, and the counts."""
        if change is None:
            return
        if change.field in ("group", "hidden", "tags"):  # the rows shown change, not only looks
            current = self.story_list.current
            self._load_rows(keep=current.id if current else None)
            return
        stories = change.stories
        rows = self.story_list.rows
        if isinstance(rows, GroupedRows) and change.field == "read":
            rows.forget_counts()  # the headers' unread counts change with it
        if isinstance(rows, GroupedRows) or len(stories) > _REFRESH_ALL_ABOVE:
            self.story_list.refresh()
        else:
            for sid in stories:
                self.story_list.refresh_story(sid)
        # Every story in a change flipped: each one counts one way or the other.
        if change.field == "read":
            shown = [sid for sid in stories if self.library.duplicate_of(sid) is None]
            self.unread += sum(-1 if self.library.is_read(sid) else 1 for sid in shown)
        elif change.field == "starred":
            self.starred += sum(1 if self.library.is_starred(sid) else -1 for sid in stories)
        self._update_status()

    def action_undo(self) -> None:
        change = self.undo_stack.undo(self.library)
        if change is None:
            self.notify("Nothing to undo.")
            return
        self.show_change(change)
        self.notify(f"Undone: {change.description}")

    # ---- moving ---------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_down(animate=False)
        else:
            self.story_list.move(1)

    def action_cursor_up(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_up(animate=False)
        else:
            self.story_list.move(-1)

    def action_first(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_home(animate=False)
        elif self.story_list.rows:
            self.story_list.cursor = 0

    def action_last(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_end(animate=False)
        elif self.story_list.rows:
            self.story_list.cursor = len(self.story_list.rows) - 1

    def action_page_down(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_page_down(animate=False)
        else:
            self.story_list.page(1)

    def action_page_up(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_page_up(animate=False)
        else:
            self.story_list.page(-1)

    def _unread_from(self, step: int) -> int | None:
        """The row of the nearest unread story after (step 1) or before (-1) the cursor."""
        rows = self.story_list.rows
        start = self.story_list.cursor
        for offset in range(1, len(rows)):
            number = (start + step * offset) % len(rows)  # round the end, like a ring
            row = rows[number]
            if (
                row.version_of is None
                and row.header is None
                and not self.library.is_read(row.story.id)
            ):
                return number
        return None

    def _go_unread(self, step: int) -> None:
        number = self._unread_from(step)
        if number is None:
            self.notify("No other unread story in this list.")
            return
        if self.focused is self.reader:
            if not self._reader_on_screen():
                return  # a key meant for a story not yet drawn: a burst stops at the screen
            self.story_list.cursor = number
            # Reading on: the reader shows it, marked read once its end has been on screen.
            self.story_list.open_current(mark_read=False)
        else:
            self.story_list.cursor = number

    def _reader_on_screen(self) -> bool:
        """Whether the reader was drawn as it is, showing the story under the cursor."""
        current = self.story_list.current
        shown = current is not None and current.id == self.reader.story_id
        return shown and self.reader.on_screen

    def action_next_unread(self) -> None:
        self._go_unread(1)

    def action_previous_unread(self) -> None:
        self._go_unread(-1)

    def action_switch_pane(self) -> None:
        if self.focused is self.story_list:
            self._focus_pane(self.reader)
        elif self.focused is self.reader:
            self._focus_pane(self.story_list)
        else:
            raise SkipAction()  # Tab keeps its usual meaning in the search bar and dialogs

    def action_read_on(self) -> None:
        # Each Space acts on what was on screen when it was typed: one that arrives before
        # the last one's effect was drawn (a burst over SSH, a paste) is dropped, so a burst
        # never runs past the story on screen, and only a story whose end was drawn is read.
        reader = self.reader
        hidden = self.screen.has_class("narrow") and reader.has_class("away")
        if hidden or reader.story_id is None:
            if self.story_list.cursor_on_screen:
                self.story_list.open_current(mark_read=False)
        elif not self._reader_on_screen():
            return
        elif reader.scroll_y < reader.max_scroll_y:
            reader.scroll_page_down(animate=False)
        elif reader.end_drawn:
            # At the end of a story it has been read: mark it so, and go on to the next.
            self.read_at_end = None
            if not self.library.is_read(reader.story_id):
                label = f"marked read “{short(self.library.meta(reader.story_id).title)}”"
                self.record(undo.mark_read(self.library, [reader.story_id], True, label))
            number = self._unread_from(1)
            if number is None:
                self.notify("No more unread stories in this list.")
                return
            self.story_list.cursor = number
            self.story_list.open_current(mark_read=False)

    # ---- looks and the clipboard ----------------------------------------------------------

    def action_cycle_theme(self) -> None:
        if self.no_color:
            self.notify("NO_COLOR is set: newsreader shows no colours, so no theme to choose.")
            return
        names = [n for n in THEME_ORDER if n in self.available_themes]
        names += [n for n in self.own_themes if n not in names]
        if not names:
            return
        position = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(position + 1) % len(names)]
        self.notify(f"Theme: {self.theme}")

    def _story_in_front(self) -> str | None:
        """The story the keys act on: the reader's when it has them, else the cursor's."""
        story_id = self.reader.story_id if self.focused is self.reader else None
        if story_id is None:
            current = self.story_list.current
            story_id = current.id if current else None
        return story_id

    def action_open_original(self) -> None:
        from newsreader import browser

        story_id = self._story_in_front()
        if story_id is None:
            return
        url = self.library.meta(story_id).url
        if url is None or not is_web_link(url):
            self.notify("This story has no link to its page.")
        elif browser.has_local_browser():
            browser.open_in_browser(url)
            self.notify(f"Opening {url}", markup=False)
        else:
            # Over SSH or with no display: the link goes to the user's own clipboard (OSC 52).
            self.copy_to_clipboard(url)
            self.notify(f"No browser here: copied the link to the clipboard. {url}", markup=False)

    def action_copy_story(self) -> None:
        story_id = self._story_in_front()
        if story_id is None:
            return
        story = self.library.story(story_id)
        byline = " · ".join(p for p in (story.source, story.age, ", ".join(story.authors)) if p)
        self.copy_to_clipboard("\n\n".join((story.title, byline, *story.paragraphs)) + "\n")
        self.notify(f"Copied “{short(story.title)}” to the clipboard.")

    def action_export_listed(self) -> None:
        """Write the stories listed now to a Markdown file in the current folder."""
        from newsreader import export

        rows = self.story_list.rows
        ids = [row.story.id for row in rows if row.version_of is None and row.header is None]
        if not ids:
            self.notify("Nothing is listed to export.")
            return
        path = Path.cwd() / f"newsreader-export-{datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            text = export.markdown(self.library.story(story_id) for story_id in ids)
            export.write(text.encode("utf-8"), path)
        except NewsreaderError as error:
            self.notify(str(error), title="Export failed", severity="error")
            return
        self.notify(f"Exported {stories(len(ids))} to {path}", title="Export")


def _has_phrases(query: Query) -> bool:
    """Whether the query has phrases, the terms checked on the stories' text."""
    return bool(query.include.phrases or query.exclude.phrases)
