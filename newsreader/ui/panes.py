"""The list and the reader, side by side or taking turns: where the keys go, what the reader
shows, and the line above them that says what is going on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.css.query import NoMatches
from textual.timer import Timer

from newsreader.config import LIST_WIDTHS, Config, save_config
from newsreader.difference import Original
from newsreader.ui.widgets.reader import OtherVersion, Reader
from newsreader.ui.widgets.search_bar import SearchBar
from newsreader.ui.widgets.status import StatusLine
from newsreader.ui.widgets.story_list import StoryList

if TYPE_CHECKING:  # the library (and numpy) is imported once the first screen is painted
    from newsreader.library import Library

PREVIEW_AFTER_SECONDS = 0.12  # a held-down j never waits on the reader
NARROW_BELOW = 100  # columns: under this, list and reader take turns on the screen


class Panes:
    """The story list and the reader: moving in them, the focus, their widths, the story the
    reader shows and the place in it."""

    library: Library  # set by the app once the library is open

    def __init__(self, app: App[Any], config: Config, config_path: Path | None) -> None:
        self.app = app
        self.config = config
        self.config_path = config_path
        self.read_at_end: str | None = None  # opened to read on: marked once its end is drawn
        self._preview_timer: Timer | None = None

    @property
    def story_list(self) -> StoryList:
        """The story list widget."""
        return self.app.query_one(StoryList)

    @property
    def reader(self) -> Reader:
        """The reader pane."""
        return self.app.query_one(Reader)

    @property
    def search_bar(self) -> SearchBar:
        """The `/` bar."""
        return self.app.query_one(SearchBar)

    def set_status(self, line: str) -> None:
        """Show `line` in the status line."""
        try:
            status = self.app.query_one(StatusLine)
        except NoMatches:
            return  # a timer's last tick while the app closes: nothing left to show it on
        status.show(line)

    @property
    def narrow(self) -> bool:
        """Whether the list and the reader take turns on the screen."""
        return self.app.screen.has_class("narrow")

    @property
    def reader_in_front(self) -> bool:
        """Whether the keys go to the reader."""
        return self.app.focused is self.reader

    # ---- moving ---------------------------------------------------------------------------

    def move(self, step: int) -> None:
        """One line (reader) or one story (list) down (1) or up (-1)."""
        if self.reader_in_front:
            if step > 0:
                self.reader.scroll_down(animate=False)
            else:
                self.reader.scroll_up(animate=False)
        else:
            self.story_list.move(step)

    def page(self, step: int) -> None:
        """One screenful down (1) or up (-1)."""
        if self.reader_in_front:
            if step > 0:
                self.reader.scroll_page_down(animate=False)
            else:
                self.reader.scroll_page_up(animate=False)
        else:
            self.story_list.page(step)

    def to_end(self, last: bool) -> None:
        """To the top (or with `last` the end) of the story, or of the list."""
        if self.reader_in_front:
            if last:
                self.reader.scroll_end(animate=False)
            else:
                self.reader.scroll_home(animate=False)
        elif self.story_list.rows:
            self.story_list.cursor = len(self.story_list.rows) - 1 if last else 0

    def open_story(self, held: bool = False) -> None:
        """Open the story under the cursor, once the cursor is drawn where it is."""
        if not held and not self.story_list.cursor_on_screen:
            # Typed before the cursor's last move was drawn: act once it is on screen.
            self.app.call_after_refresh(self.open_story, True)
            return
        self.story_list.open_current()

    def story_in_front(self) -> str | None:
        """The story the keys act on: the reader's when it has them, else the cursor's."""
        story_id = self.reader.story_id if self.reader_in_front else None
        if story_id is None:
            current = self.story_list.current
            story_id = current.id if current else None
        return story_id

    def reader_on_screen(self) -> bool:
        """Whether the reader was drawn as it is, showing the story under the cursor."""
        current = self.story_list.current
        shown = current is not None and current.id == self.reader.story_id
        return shown and self.reader.on_screen

    # ---- the story shown ------------------------------------------------------------------

    def highlighted(self, story_id: str | None) -> None:
        """The cursor is on `story_id` (None: on no story the reader may show yet)."""
        # Side by side, the reader previews the highlighted story; it is marked read only
        # when opened. One pane at a time, the reader shows only what was opened. The preview
        # waits until the cursor rests: laying out a whole story costs more than a key may.
        self.cancel_preview()
        if story_id is None or self.narrow:
            return
        if story_id == self.reader.story_id:
            return  # shown already (the rows were reloaded): keep the place in it
        if self.reader.story_id is None:  # the first story shown: nothing to wait for
            self.show(story_id)
        else:
            # The list's timer, not the app's: it stops with the list when the app quits.
            self._preview_timer = self.story_list.set_timer(
                PREVIEW_AFTER_SECONDS, lambda: self._preview(story_id)
            )

    def cancel_preview(self) -> None:
        """Forget the story waiting to be previewed."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None

    def _preview(self, story_id: str) -> None:
        self._preview_timer = None
        current = self.story_list.current
        if current is not None and current.id == story_id:
            self.show(story_id)

    def show(self, story_id: str) -> None:
        """Show a story in the reader, with how its other versions differ, where it was left."""
        from newsreader.library.positions import place_of

        self.keep_place()
        story = self.library.story(story_id)
        others = []
        other_ids = [
            other_id for other_id in self.library.versions(story_id) if other_id != story_id
        ]
        if other_ids:
            original = Original(story.title, story.paragraphs)  # split once for all of them
            for other_id in other_ids:
                other = self.library.story(other_id)
                change = original.changed_in(other.title, other.paragraphs)
                others.append(OtherVersion(other.id, other.source, other.age, change))
        self.reader.show_story(story, tuple(others), place_of(self.library, story_id))

    def show_nothing(self) -> None:
        """Leave the reader empty: no story is listed."""
        self.cancel_preview()
        self.read_at_end = None
        self.reader.show_story(None)

    def keep_place(self) -> None:
        """Remember where the reader leaves the story it shows (one mark, when it moved)."""
        from newsreader.library.positions import keep_place

        try:
            reader = self.reader
        except NoMatches:
            return  # a timer's last tick while the app closes
        story_id, place = reader.story_id, reader.place
        if story_id is not None and place is not None:
            keep_place(self.library, story_id, place)

    # ---- focus and widths -----------------------------------------------------------------

    def focus(self, pane: StoryList | Reader) -> None:
        """Give the keys to `pane`; one pane at a time, it is the one on screen."""
        other = self.reader if pane is self.story_list else self.story_list
        pane.remove_class("away")
        other.add_class("away")
        pane.focus()
        self.app.refresh_bindings()  # the footer offers what the pane in front does

    def switch(self) -> bool:
        """Give the keys to the other pane; False when neither pane has them."""
        if self.app.focused is self.story_list:
            self.focus(self.reader)
        elif self.reader_in_front:
            self.focus(self.story_list)
        else:
            return False
        return True

    def layout_for(self, width: int) -> None:
        """Lay the panes out for a terminal `width` columns wide."""
        narrow = width < NARROW_BELOW
        self.app.screen.set_class(narrow, "narrow")
        if narrow and not self.reader.has_class("away") and not self.story_list.has_class("away"):
            self.reader.add_class("away")
        # One pane at a time, the list takes the whole width; side by side, its share.
        self.story_list.styles.width = "1fr" if narrow else f"{self.config.list_width}%"
        self.app.query_one(StatusLine).refit()

    def resize_list(self, step: int) -> None:
        """Widen (or narrow, with a negative `step`) the list's share of the width, and save it."""
        if self.narrow:
            self.app.notify("The list and the reader take turns at this width: nothing to resize.")
            return
        low, high = LIST_WIDTHS
        self.config.list_width = max(low, min(high, self.config.list_width + step))
        self.layout_for(self.app.size.width)
        if self.config_path is not None:
            save_config(self.config, self.config_path)
