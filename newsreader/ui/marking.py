"""Read and starred marks, made on the saved first screen or in the library; reading on with
Space and n/p, which mark as they go; and undo of every change the user makes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

from newsreader import undo
from newsreader.config import Config
from newsreader.counting import short
from newsreader.errors import in_words
from newsreader.filters import SHOWS, select
from newsreader.first_marks import FirstMarks
from newsreader.grouping import GroupedRows
from newsreader.ui.listing import Listing
from newsreader.ui.panes import Panes
from newsreader.undo import Change, UndoStack

if TYPE_CHECKING:  # the library (and numpy) is imported once the first screen is painted
    from newsreader.errors import LibraryError
    from newsreader.library import Library
    from newsreader.library.marks import Staged

_REFRESH_ALL_ABOVE = 64  # changes to more rows than this redraw the list rather than each row


class Marking:
    """The marks the user makes and takes back: on the first screen's rows until the library
    is open (`first`), in the library from then on."""

    library: Library  # set by the app once the library is open

    def __init__(self, app: App[Any], config: Config, panes: Panes, listing: Listing) -> None:
        self.app = app
        self.config = config
        self.panes = panes
        self.listing = listing
        self.undo_stack = UndoStack()
        self.first: FirstMarks | None = None  # the first screen's marks, until the library opens

    # ---- r and s --------------------------------------------------------------------------

    def toggle_read(self) -> None:
        """Mark the story under the cursor read, or unread again."""
        self.panes.read_at_end = None  # the user decides: drawing the end no longer marks it
        current = self.panes.story_list.current
        if current is not None and self.first is not None:
            self._mark_first_screen(self.first, "read", current.id)
        elif current is not None:
            self.set_read(current.id, not self.library.is_read(current.id))

    def toggle_star(self) -> None:
        """Star the story under the cursor, or unstar it."""
        current = self.panes.story_list.current
        if current is not None and self.first is not None:
            self._mark_first_screen(self.first, "starred", current.id)
            return
        if current is None:
            return
        starred = not self.library.is_starred(current.id)
        label = f"{'starred' if starred else 'unstarred'} “{short(current.title)}”"
        self.record(undo.mark_starred(self.library, [current.id], starred, label))

    def set_read(self, story_id: str, read: bool) -> None:
        """Mark a story (and its versions) read or unread, for undo."""
        title = short(self.library.meta(story_id).title)
        label = f"marked {'read' if read else 'unread'} “{title}”"
        self.record(undo.mark_read(self.library, [story_id], read, label))

    def _mark_first_screen(self, marks: FirstMarks, mark: str, story_id: str) -> None:
        """r or s before the library is open: the saved row's mark, shown and written now."""
        if marks.read_only:
            self.panes.set_status("library is read-only — mark not saved")
            return
        value = not marks.value(mark, story_id)
        title = short(marks.title_of(story_id))
        if mark == "read":
            label = f"marked {'read' if value else 'unread'} “{title}”"
        else:
            label = f"{'starred' if value else 'unstarred'} “{title}”"
        change = marks.set(mark, story_id, value, label)
        self.undo_stack.push(change)
        for sid in change.stories if change is not None else ():
            self.panes.story_list.refresh_story(sid)
        self.panes.set_status(marks.status)

    def mark_matching_read(self) -> None:
        """Ask, then mark every unread story the list shows read."""
        from newsreader.ui.screens.confirm import ConfirmScreen

        view = self.listing.view
        targets = select(self.library, view, unread_only=True)[0].ids()
        if not targets:
            self.app.notify("No unread stories in this list.")
            return
        count = f"{len(targets)} unread {'story' if len(targets) == 1 else 'stories'}"
        if view.searching:
            assert view.query is not None
            scope = f"matching “{view.query.text.strip()}”"
        else:
            scope = f"in “{SHOWS[view.show]}”"

        def answered(yes: bool | None) -> None:
            if yes:
                self.record(undo.mark_read(self.library, targets, True, f"marked {count} read"))
                self.app.notify(f"Marked {count} read. u undoes it.")

        self.app.push_screen(ConfirmScreen(f"Mark {count} {scope} read?", "Mark read"), answered)

    # ---- reading on -----------------------------------------------------------------------

    def story_opened(self, story_id: str, mark_read: bool) -> None:
        """A story was opened from the list (Enter, or reading on with `mark_read` False)."""
        # Opened before the cursor rested: the preview still waiting would show the story a
        # second time, back at its top.
        self.panes.cancel_preview()
        # With mark_read_on = "end", Enter reads a story as Space does: once its end is shown.
        mark_now = mark_read and self.config.mark_read_on == "open"
        if mark_now:
            self.set_read(story_id, True)
        self.panes.show(story_id)
        self.panes.read_at_end = None if mark_now else story_id
        self.panes.focus(self.panes.reader)  # into the story, as in mutt: j/k scroll, Esc returns

    def end_drawn(self, story_id: str) -> None:
        """The last line of the story shown has been on screen."""
        # A story opened by reading on (Space, n) is read once its last line has been on
        # screen: never when a burst of keys went past it before it was drawn.
        if self.panes.read_at_end == story_id and self.panes.reader.story_id == story_id:
            self.panes.read_at_end = None
            if not self.library.is_read(story_id):
                self.set_read(story_id, True)

    def read_on(self) -> None:
        """Space: page the story; at its end, mark it read and open the next unread one."""
        # Each Space acts on what was on screen when it was typed: one that arrives before
        # the last one's effect was drawn (a burst over SSH, a paste) is dropped, so a burst
        # never runs past the story on screen, and only a story whose end was drawn is read.
        reader, story_list = self.panes.reader, self.panes.story_list
        hidden = self.panes.narrow and reader.has_class("away")
        if hidden or reader.story_id is None:
            if story_list.cursor_on_screen:
                story_list.open_current(mark_read=False)
        elif not self.panes.reader_on_screen():
            return
        elif reader.scroll_y < reader.max_scroll_y:
            reader.scroll_page_down(animate=False)
        elif reader.end_drawn:
            # At the end of a story it has been read: mark it so, and go on to the next.
            self.panes.read_at_end = None
            if not self.library.is_read(reader.story_id):
                label = f"marked read “{short(self.library.meta(reader.story_id).title)}”"
                self.record(undo.mark_read(self.library, [reader.story_id], True, label))
            number = self._unread_from(1)
            if number is None:
                self.app.notify("No more unread stories in this list.")
                return
            story_list.cursor = number
            story_list.open_current(mark_read=False)

    def go_unread(self, step: int) -> None:
        """To the next (1) or previous (-1) unread story; from the reader, open it."""
        number = self._unread_from(step)
        if number is None:
            self.app.notify("No other unread story in this list.")
            return
        story_list = self.panes.story_list
        if self.panes.reader_in_front:
            if not self.panes.reader_on_screen():
                return  # a key meant for a story not yet drawn: a burst stops at the screen
            story_list.cursor = number
            # Reading on: the reader shows it, marked read once its end has been on screen.
            story_list.open_current(mark_read=False)
        else:
            story_list.cursor = number

    def _unread_from(self, step: int) -> int | None:
        """The row of the nearest unread story after (step 1) or before (-1) the cursor."""
        story_list = self.panes.story_list
        rows = story_list.rows
        start = story_list.cursor
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
            self.listing.reload()
            return
        stories = change.stories
        story_list = self.panes.story_list
        rows = story_list.rows
        if isinstance(rows, GroupedRows) and change.field == "read":
            rows.forget_counts()  # the headers' unread counts change with it
        if isinstance(rows, GroupedRows) or len(stories) > _REFRESH_ALL_ABOVE:
            story_list.refresh()
        else:
            for sid in stories:
                story_list.refresh_story(sid)
        # Every story in a change flipped: each one counts one way or the other.
        listing = self.listing
        if change.field == "read":
            shown = [sid for sid in stories if self.library.duplicate_of(sid) is None]
            listing.unread += sum(-1 if self.library.is_read(sid) else 1 for sid in shown)
        elif change.field == "starred":
            listing.starred += sum(1 if self.library.is_starred(sid) else -1 for sid in stories)
        listing.update_status()

    def undo(self) -> None:
        """Take back the last change made."""
        change = self.undo_stack.undo(self.library)
        if change is None:
            self.app.notify("Nothing to undo.")
            return
        self.show_change(change)
        self.app.notify(f"Undone: {change.description}")

    # ---- marks on disk --------------------------------------------------------------------

    def forget(self, change: Change, error: OSError) -> None:
        """A mark that could not be made durable: no longer undoable, and the user told why."""
        self.undo_stack.forget(change.field, change.stories)
        self.panes.set_status(f"{in_words(error)} — mark not saved")

    def written(self, staged: Staged | None, error: LibraryError | None) -> None:
        """The mark writer made `staged` durable, or failed to (`error`): it is taken back."""
        if staged is not None:
            self.library.marks.settle(staged, error)
        if error is None:
            return
        if staged is not None:
            self.undo_stack.forget(staged.field, staged.stories)
            self.listing.reload()
        self.listing.update_status()
        words = getattr(error, "words", None) or str(error)
        self.panes.set_status(f"{words} — mark not saved")
