"""The stats screen: stories per day, top sources, marks and totals of the library."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from newsreader import counting
from newsreader.counting import stories
from newsreader.library import Library
from newsreader.stats import LibraryStats, library_stats

_EIGHTHS = " ▏▎▍▌▋▊▉"  # partial blocks: a bar's length is drawn to an eighth of a cell


class SourceBars(Widget):
    """A horizontal bar chart of stories per source, the bars sized to the widget's width."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"source-bars--bar", "source-bars--count"}

    def __init__(self, sources: Sequence[tuple[str, int]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sources = tuple(sources)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One line per source."""
        return max(1, len(self.sources))

    def render(self) -> Text:
        """The bars at the current width."""
        if not self.sources:
            return Text("No stories yet.")
        width = self.size.width
        most = max(count for _, count in self.sources)
        name_width = min(max(len(name) for name, _ in self.sources), max(8, width // 3))
        count_width = len(str(most))
        room = max(1, width - name_width - count_width - 2)
        bar_style = self.get_component_rich_style("source-bars--bar")
        count_style = self.get_component_rich_style("source-bars--count")
        lines = Text(no_wrap=True, overflow="crop")
        for number, (name, count) in enumerate(self.sources):
            label = Text(name)
            label.truncate(name_width, overflow="ellipsis", pad=True)
            lines.append_text(label)
            lines.append(" ")
            lines.append(_bar(count / most * room).ljust(room), bar_style)
            lines.append(f" {count:>{count_width}}", count_style)
            if number < len(self.sources) - 1:
                lines.append("\n")
        return lines


def _bar(cells: float) -> str:
    full, eighths = int(cells), round((cells - int(cells)) * 8)
    if eighths == 8:
        full, eighths = full + 1, 0
    # Every source has at least one story: never draw it as no bar at all.
    return "█" * full + (_EIGHTHS[eighths] if eighths else "") or _EIGHTHS[1]


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


class StatsScreen(ModalScreen[None]):
    """Library statistics over the list; Esc, q or i closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,i", "dismiss", "Close statistics"),
    ]

    def __init__(self, library: Library, now: datetime | None = None) -> None:
        super().__init__()
        self.stats: LibraryStats = library_stats(library, now or datetime.now().astimezone())

    def compose(self) -> ComposeResult:
        stats = self.stats
        with Vertical(id="stats"):
            yield Static("Library statistics", id="stats-title")
            busiest = max(stats.per_day)
            heading = f"Stories per day, last {len(stats.per_day)} days"
            if busiest:
                heading += f" · at most {busiest} a day"
            yield Static(heading, classes="stats-heading")
            yield Sparkline(list(stats.per_day), id="stats-per-day")
            with Horizontal(id="stats-axis"):
                yield Static(_day(stats.first_day), id="stats-axis-first")
                yield Static(_day(stats.last_day), id="stats-axis-last")
            if stats.undated:
                undated = stories(stats.undated)
                yield Static(f"{undated} without a date, not counted")
            yield Static("Top sources", classes="stats-heading")
            yield SourceBars(stats.top_sources, id="stats-sources")
            yield Static(self._totals(), id="stats-totals")

    def _totals(self) -> Text:
        stats = self.stats
        text = Text()
        text.append(f"{stats.unread} unread", "bold")
        text.append(f"  ·  {stats.starred} starred\n")
        text.append(
            f"{stories(stats.stories)} in {counting.count(stats.dumps, 'dump')}"
            f"  ·  {stats.shown} shown  ·  "
            f"{counting.count(stats.hidden_duplicates, 'hidden duplicate')}"
        )
        return text

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        """Close the screen."""
        self.dismiss()
