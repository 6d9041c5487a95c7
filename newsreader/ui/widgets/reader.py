"""The reader pane: one story's title, byline, paragraphs and how its other versions differ.

Drawn with Textual's line API, like the story list: a story is wrapped once for the pane's
width and only the lines on screen are drawn, so opening one costs the same at any length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader import when
from newsreader.difference import Difference
from newsreader.models import Story
from newsreader.sanitize import is_web_link
from newsreader.ui.widgets.wrap import wrap_lines
from newsreader.when import Clock, byline, local_now

MEASURE = 84  # the longest line of text: more is hard to read
# Which component class styles each kind of block.
TITLE, BYLINE, VERSIONS, BODY, LINK = (
    "reader--title",
    "reader--byline",
    "reader--versions",
    "reader--body",
    "reader--link",
)
DIFF_HEADING, DIFF_VERSION = "reader--diff-heading", "reader--diff-version"
DIFF_REMOVED, DIFF_ADDED = "reader--diff-removed", "reader--diff-added"

Block = tuple[str, str]  # (component class, plain text): a paragraph before wrapping


@dataclass(frozen=True)
class OtherVersion:
    """Another version of the shown story and what differs from it."""

    id: str
    source: str
    age: str
    difference: Difference

    def summary(self) -> str:
        """One line: the source, how the version relates, and how much differs."""
        d = self.difference
        parts = [f"{d.relation}, {d.in_common:.0%} of the text in common"]
        if d.title_removed or d.title_added:
            parts.append(f"headline “{' '.join(d.title_removed)}” → “{' '.join(d.title_added)}”")
        if d.sentences_removed or d.sentences_added:
            parts.append(
                f"{_count(d.sentences_removed, 'sentence')} cut, {len(d.sentences_added)} added"
            )
        return f"{self.source}: " + "; ".join(parts)


class Reader(ScrollView, can_focus=True):
    """Shows a story as plain text: nothing in a dump is read as markup or escape codes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        TITLE, BYLINE, VERSIONS, BODY, LINK, DIFF_HEADING, DIFF_VERSION, DIFF_REMOVED, DIFF_ADDED,
    }  # fmt: skip

    story_id: str | None = None  # the story shown, if any
    link: str | None = None  # the address of the story's page, if it has one

    class EndDrawn(Message):
        """The last line of the story shown has reached the screen."""

        def __init__(self, story_id: str) -> None:
            super().__init__()
            self.story_id = story_id

    def __init__(self, *, clock: Clock = local_now, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self._story: Story | None = None
        # What the terminal was last sent: keys act on that, not on a state not yet drawn.
        self.drawn: tuple[str | None, int] | None = None  # (story, top line)
        self.end_drawn = False
        self._blocks: list[Block] = []
        self.lines: list[Block] = []  # the blocks wrapped to the pane: what is drawn
        self._wrapped_for = 0
        # The style of each kind of block, and each line as drawn at one width: made once,
        # not on every repaint; what they depend on changing empties them.
        self._styles: dict[str, Style] = {}
        self._strips: dict[int, Strip] = {}
        self._strips_width = 0
        self._place: tuple[int, int] | None = None  # where to scroll once laid out

    def on_mount(self) -> None:
        self.show_story(None)
        self.set_interval(when.AGE_REFRESH_SECONDS, self._age_again)

    def show_story(
        self,
        story: Story | None,
        others: tuple[OtherVersion, ...] = (),
        place: tuple[int, int] | None = None,
    ) -> None:
        """Show `story` (or an empty-state hint) from the top, or from where `place` left it:
        (top line, lines the story had then)."""
        self.story_id = None if story is None else story.id
        self._story = story
        # An OSC 8 hyperlink: terminals that know it make the address clickable, over SSH too.
        self.link = story.url if story is not None and is_web_link(story.url) else None
        self._styles.clear()
        self.drawn = None
        self.end_drawn = False
        self._blocks = _blocks(story, others, self.clock())
        self._wrap()
        self._place = place
        self.scroll_home(animate=False)
        if place is not None:
            # After the layout this refresh brings: a pane not laid out yet scrolls nowhere.
            self.call_after_refresh(self._go_to_place)
        self.refresh()

    @property
    def place(self) -> tuple[int, int] | None:
        """Where the story shown is read to: (top line, lines it has as wrapped now)."""
        if self.story_id is None:
            return None
        if self._place is not None:  # not on screen yet: still where it was left
            return self._place
        return self.scroll_offset.y, len(self.lines)

    def _go_to_place(self) -> None:
        place = self._place
        if place is None or self.scrollable_content_region.height == 0:
            return  # a hidden pane: it goes there once shown (see _rewrap_if_needed)
        if self._measure() != self._wrapped_for:
            return  # wrapped for no width yet: a line there is not a line here (rewrapped soon)
        self._place = None
        top, then = place
        y = top if then == len(self.lines) else round(top * len(self.lines) / then)
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()

    def _age_again(self) -> None:
        """Say the story's age as it is now, keeping the place the user has read to."""
        if self._story is None or len(self._blocks) < 3 or self._blocks[2][0] != BYLINE:
            return
        line = _byline(self._story, self.clock())
        if line != self._blocks[2][1]:
            self._blocks[2] = (BYLINE, line)
            top = self.scroll_offset.y
            self._wrap()
            self.scroll_to(y=top, animate=False)
            self.refresh()

    @property
    def on_screen(self) -> bool:
        """Whether the story and the part of it shown now are what was last drawn."""
        return self.drawn == (self.story_id, self.scroll_offset.y)

    def text_of(self, kind: str) -> list[str]:
        """The text of every block of one kind (e.g. DIFF_ADDED), before wrapping."""
        return [text for block_kind, text in self._blocks if block_kind == kind]

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap_if_needed()

    def on_show(self, event: events.Show) -> None:
        # A reader hidden while a story was opened (one pane at a time) wrapped it for no
        # width at all: wrap again once it has its size on screen.
        self.call_after_refresh(self._rewrap_if_needed)

    def _rewrap_if_needed(self) -> None:
        if self._measure() != self._wrapped_for:
            self._wrap()
            self.refresh()
        self._go_to_place()

    def _measure(self) -> int:
        return max(8, min(MEASURE, self.scrollable_content_region.width))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def _wrap(self) -> None:
        width = self._measure()
        console = self.app.console
        lines: list[Block] = []
        for kind, text in self._blocks:
            if not text:
                lines.append((kind, ""))
                continue
            lines.extend((kind, line) for line in wrap_lines(text, width, console))
        self.lines = lines
        self._wrapped_for = width
        self._strips.clear()
        size = Size(width, len(lines))
        if size != self.virtual_size:
            # Set without the reactive's layout pass: the scrollbar is always shown (the
            # stylesheet says so), so a new length changes no widget's place, and a layout of
            # the whole screen would cost more than drawing the story.
            self.set_reactive(Reader.virtual_size, size)
            self._scroll_update(size)

    def render_line(self, y: int) -> Strip:
        """Draw the line of the story shown on screen line `y`."""
        number = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if max(8, min(MEASURE, width)) != self._wrapped_for:
            # Drawn at another width than the story was wrapped for (it was wrapped while the
            # pane had no size yet): wrap again, then draw again.
            self.call_later(self._rewrap_if_needed)
        else:
            self._drew(number)
        if width != self._strips_width:
            self._strips.clear()
            self._strips_width = width
        strip = self._strips.get(number)
        if strip is None:
            strip = self._strips[number] = self._draw(number, width)
        return strip

    def _drew(self, number: int) -> None:
        self.drawn = (self.story_id, self.scroll_offset.y)
        if number >= len(self.lines) - 1 and self.story_id is not None and not self.end_drawn:
            self.end_drawn = True
            message = self.EndDrawn(self.story_id)
            # Drawn while the screen composes: sent from the screen, it would not reach the app.
            message.set_sender(self)
            self.post_message(message)

    def _draw(self, number: int, width: int) -> Strip:
        base = self._style("")
        if not 0 <= number < len(self.lines):
            return Strip.blank(width, base)
        kind, text = self.lines[number]
        cells = cell_len(text)
        if cells > width:
            return Strip([Segment(text, self._style(kind))]).adjust_cell_length(width, base)
        # Padded as Strip.adjust_cell_length pads, in one Strip rather than two.
        segments = [Segment(text, self._style(kind))]
        if cells < width:
            segments.append(Segment(" " * (width - cells), base))
        return Strip(segments, width)

    def _style(self, kind: str) -> Style:
        style = self._styles.get(kind)
        if style is None:
            style = self.rich_style
            if kind:
                style += self.get_component_rich_style(kind, partial=True)
            if kind == LINK and self.link:
                style += Style(link=self.link)
            self._styles[kind] = style
        return style


def _blocks(story: Story | None, others: tuple[OtherVersion, ...], now: datetime) -> list[Block]:
    """The story as blocks of text, each styled as a whole, blank blocks between paragraphs;
    its age as it is at `now`."""
    if story is None:
        return [("", ""), (TITLE, "No story open"), (BYLINE, "Move with j/k, open with Enter.")]
    # Read and starred show in the list, which every mark redraws; here they would go stale.
    blocks: list[Block] = [("", ""), (TITLE, story.title), (BYLINE, _byline(story, now))]
    if story.tags:
        blocks.append((BYLINE, "Tags: " + ", ".join(story.tags)))
    if is_web_link(story.url):
        blocks.append((LINK, str(story.url)))
    if others:
        sources = ", ".join(dict.fromkeys(other.source for other in others))
        blocks.append((VERSIONS, f"Also reported by: {sources}"))
    paragraphs = [*story.paragraphs, *(f"[photo] {c}" for c in story.captions), *story.notes]
    for paragraph in paragraphs:
        blocks += [("", ""), (BODY, paragraph)]
    if others:
        blocks += [
            ("", ""),
            ("", ""),
            (DIFF_HEADING, "What the other versions cut (−) and added (+)"),
        ]
        for other in others:
            blocks += [("", ""), (DIFF_VERSION, other.summary())]
            d = other.difference
            if d.title_removed or d.title_added:
                blocks.append((DIFF_REMOVED, "− " + " ".join(d.title_removed)))
                blocks.append((DIFF_ADDED, "+ " + " ".join(d.title_added)))
            blocks += [(DIFF_REMOVED, f"− {s}") for s in d.sentences_removed]
            blocks += [(DIFF_ADDED, f"+ {s}") for s in d.sentences_added]
    blocks.append(("", ""))
    return blocks


def _byline(story: Story, now: datetime) -> str:
    """Source · age · date, then the authors."""
    parts = [byline(story.source, story.published, now)]
    if story.authors:
        parts.append("By " + ", ".join(story.authors))
    return " · ".join(parts)


def _count(items: tuple[str, ...], noun: str) -> str:
    """'1 sentence', '3 sentences'."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"
