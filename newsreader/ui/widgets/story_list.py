"""The story list: one line per story, drawn on demand so that 100,000 rows cost no more than 40."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader import when
from newsreader.grouping import GroupedRows
from newsreader.rows import Listed, ListRow, StoryRows
from newsreader.when import Clock, local_now, short_age

__all__ = ["EMPTY_HINT", "ListRow", "StoryList", "StoryRows"]

_SOURCE_CELLS = 16
_MIN_TITLE_CELLS = 20
_MIN_SOURCE_CELLS = 8
_ROOMY_TITLE_CELLS = 40  # a title this long is seldom cut: sources shrink to leave it room
EMPTY_HINT = "No stories here. 1 shows all stories; Esc clears a search."
_INDENT_AND_BADGE_CELLS = 8
_STRIPS_KEPT = 256  # rows kept as drawn: a few screens, at any length of list


class StoryList(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyboard-driven list of stories built on Textual's line API.

    It drops the scroll keys of its base class: arrows, pages, home and end move the cursor
    (the app's actions), where a plain scroll would leave the cursor off screen.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "story-list--cursor",
        "story-list--unread",
        "story-list--read",
        "story-list--starred",
        "story-list--meta",
        "story-list--badge",
        "story-list--group",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved to another story."""

        def __init__(self, story_id: str | None) -> None:
            super().__init__()
            self.story_id = story_id

    class Opened(Message):
        """The user asked to open the story under the cursor; `mark_read` now, or once its
        end is on screen."""

        def __init__(self, story_id: str, mark_read: bool = True) -> None:
            super().__init__()
            self.story_id = story_id
            self.mark_read = mark_read

    def __init__(
        self,
        is_read: Callable[[str], bool],
        is_starred: Callable[[str], bool],
        *,
        clock: Clock = local_now,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._is_read = is_read
        self._is_starred = is_starred
        self.clock = clock
        self.rows: Sequence[ListRow] = []
        self._positions: dict[str, int] | None = None  # made when first needed
        self.drawn_cursor: str | None = None  # the story last drawn under the cursor
        # Each row as last drawn, with what it was drawn from: a move that scrolls the list
        # draws only the row it brings in, and the rows it leaves come back from here.
        self._strips: LRUCache[int, tuple[ListRow, _Drawn, Strip]] = LRUCache(_STRIPS_KEPT)
        self._styles: dict[tuple[bool, bool], _RowStyles] = {}  # (read, cursor): made once

    def on_mount(self) -> None:
        # Only the rows on screen are drawn again: as cheap at 100,000 stories as at 10.
        self.set_interval(when.AGE_REFRESH_SECONDS, self.refresh)

    def set_marks(self, is_read: Callable[[str], bool], is_starred: Callable[[str], bool]) -> None:
        """Take the read and starred marks from these lookups from now on."""
        self._is_read = is_read
        self._is_starred = is_starred

    def set_rows(self, rows: Sequence[ListRow], keep: str | None = None) -> None:
        """Show `rows`; keep the cursor on story `keep` when it is still there."""
        self.rows = rows if isinstance(rows, (StoryRows, GroupedRows)) else list(rows)
        self._positions = None
        self.virtual_size = Size(self.size.width, len(self.rows))
        target = (self.position_of(keep) or 0) if keep else 0
        self.cursor = min(target, max(len(self.rows) - 1, 0))
        self.refresh()

    @property
    def story_count(self) -> int:
        """How many rows are stories in their own right, not versions shown under another."""
        if isinstance(self.rows, (StoryRows, GroupedRows)):
            return len(self.rows.stories)
        return sum(1 for row in self.rows if row.version_of is None and row.header is None)

    @property
    def current(self) -> Listed | None:
        """The story under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].story
        return None

    @property
    def current_row(self) -> ListRow | None:
        """The row under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def position_of(self, story_id: str) -> int | None:
        """The row number of a story, if it is in the list."""
        if isinstance(self.rows, (StoryRows, GroupedRows)):
            return self.rows.position_of(story_id)
        if self._positions is None:
            self._positions = {row.story.id: number for number, row in enumerate(self.rows)}
        return self._positions.get(story_id)

    def refresh_story(self, story_id: str) -> None:
        """Draw one story's row again (after its marks changed)."""
        position = self.position_of(story_id)
        if position is not None:
            self.refresh_line(position)

    def validate_cursor(self, number: int) -> int:
        # A group's header is no story: the cursor steps over it, the way it was going.
        rows = self.rows
        if not 0 <= number < len(rows) or rows[number].header is None:
            return number
        step = -1 if number < self.cursor else 1
        if not 0 <= number + step < len(rows):
            step = -step
        return number + step

    def watch_cursor(self, old: int, new: int) -> None:
        self.drawn_cursor = None
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region_line(new)
        current = self.current
        self.post_message(self.Highlighted(current.id if current else None))

    def scroll_to_region_line(self, line: int) -> None:
        """Scroll just enough to show row `line`."""
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if line < top:
            self.scroll_to(y=line, animate=False)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False)

    def move(self, delta: int) -> None:
        """Move the cursor by `delta` rows, stopping at either end."""
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def page(self, direction: int) -> None:
        """Move the cursor by one screenful."""
        self.move(direction * max(1, self.scrollable_content_region.height - 1))

    @property
    def cursor_on_screen(self) -> bool:
        """Whether the cursor was drawn where it is now, on the story it is on now."""
        current = self.current
        return current is not None and self.drawn_cursor == current.id

    def open_current(self, mark_read: bool = True) -> None:
        """Ask the app to open the story under the cursor."""
        current = self.current
        if current is not None:
            self.post_message(self.Opened(current.id, mark_read))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))

    def on_click(self, event: events.Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < len(self.rows):
            if row == self.cursor:
                self.open_current()
            self.cursor = row

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        """Draw the row shown on screen line `y`."""
        number = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if not self.rows and number == 0:
            # An empty list says why it is empty rather than looking broken.
            meta = self.rich_style + self.get_component_rich_style("story-list--meta", partial=True)
            hint = _fit(f"  {EMPTY_HINT}", width)
            return Strip([Segment(hint, meta)]).adjust_cell_length(width, self.rich_style)
        if not 0 <= number < len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[number]
        if row.header is not None:
            style = self.rich_style + self.get_component_rich_style(
                "story-list--group", partial=True
            )
            return Strip([Segment(_fit(f" {row.header}", width), style)]).adjust_cell_length(
                width, style
            )
        story = row.story
        cursor = number == self.cursor
        if cursor:
            self.drawn_cursor = story.id
        drawn = _Drawn(
            width,
            cursor,
            self._is_read(story.id),
            self._is_starred(story.id),
            short_age(story.published, self.clock()),
        )
        kept = self._strips.get(number)
        if kept is not None and kept[0] is row and kept[1] == drawn:
            return kept[2]
        strip = self._draw(row, drawn)
        self._strips[number] = (row, drawn, strip)
        return strip

    def _draw(self, row: ListRow, drawn: _Drawn) -> Strip:
        """One story's row, as `drawn` says."""
        width, story = drawn.width, row.story
        styles = self._row_styles(drawn.read, drawn.cursor)
        style, meta_style = styles.text, styles.meta
        prefix = " " + "  " * row.depth + _branch(row)
        badge = f" +{row.hidden_versions}" if row.hidden_versions else ""
        cells = _source_cells(width)
        source = set_cell_size(_fit(story.source, cells), cells)
        suffix = f"  {source} {drawn.age:>3} "
        # Decided by the width alone, so that every row shows its source or none does; the
        # allowance is for the deepest indent and a badge. A narrow list keeps the titles.
        if width - 3 - _INDENT_AND_BADGE_CELLS - cell_len(suffix) < _MIN_TITLE_CELLS:
            suffix = ""
        room = width - 3 - cell_len(prefix) - cell_len(badge) - cell_len(suffix)
        title = _fit(story.title, room)
        segments = [
            Segment(" ", style),
            Segment("•" if not drawn.read else " ", style),
            Segment("★" if drawn.starred else " ", styles.star),
            Segment(prefix, meta_style),
            Segment(title, style),
            Segment(badge, styles.badge),
            # Sources line up on the right, so the eye can scan them down the list.
            Segment(" " * max(0, room - cell_len(title)), style),
            Segment(suffix, meta_style),
        ]
        strip = Strip(segments)
        if strip.cell_length == width:
            return strip
        return strip.crop(0, width).adjust_cell_length(width, style)

    def _row_styles(self, read: bool, cursor: bool) -> _RowStyles:
        """The styles of a row's parts: worked out once, not for every row drawn."""
        styles = self._styles.get((read, cursor))
        if styles is None:
            part = self.get_component_rich_style
            style = self.rich_style + part(
                "story-list--read" if read else "story-list--unread", partial=True
            )
            if cursor:
                style += part("story-list--cursor", partial=True)
            styles = self._styles[read, cursor] = _RowStyles(
                style,
                style + part("story-list--starred", partial=True),
                style + part("story-list--meta", partial=True),
                style + part("story-list--badge", partial=True),
            )
        return styles


class _Drawn(NamedTuple):
    """What a story's row was drawn from, besides the row: the same again draws the same."""

    width: int
    cursor: bool
    read: bool
    starred: bool
    age: str


class _RowStyles(NamedTuple):
    """The styles of the parts of a row."""

    text: Style
    star: Style
    meta: Style
    badge: Style


def _source_cells(width: int) -> int:
    """The source column's width: sources give way before titles do, down to a few letters."""
    fixed = 3 + _INDENT_AND_BADGE_CELLS + 7  # marks, indent and badge, spaces, the age
    return max(_MIN_SOURCE_CELLS, min(_SOURCE_CELLS, width - fixed - _ROOMY_TITLE_CELLS))


def _branch(row: ListRow) -> str:
    """The tree mark before a title: related stories and folded versions hang under another."""
    if row.version_of is not None:
        return "≡ "
    return "└ " if row.depth else ""


def _fit(text: str, cells: int) -> str:
    """`text` cut to `cells` terminal cells, with an ellipsis when it was cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, max(cells - 1, 0)) + "…" if cells > 0 else ""
