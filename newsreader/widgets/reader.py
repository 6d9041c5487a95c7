"""The reader pane: one story's title, byline and paragraphs, shown as plain text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from newsreader.models import Story


class Reader(VerticalScroll, can_focus=True):
    """Shows a story. Its text is never parsed as markup: a dump cannot act on the app."""

    def compose(self) -> ComposeResult:
        yield Static(id="reader-title")
        yield Static(id="reader-byline")
        yield Static(id="reader-versions")
        yield Static(id="reader-body")

    def on_mount(self) -> None:
        self.show_story(None)

    def show_story(self, story: Story | None, also_reported_by: tuple[str, ...] = ()) -> None:
        """Show `story` (or an empty-state hint) from the top."""
        title = self.query_one("#reader-title", Static)
        byline = self.query_one("#reader-byline", Static)
        versions = self.query_one("#reader-versions", Static)
        body = self.query_one("#reader-body", Static)
        if story is None:
            title.update(Text("No story open"))
            byline.update(Text("Move with j/k, open with Enter."))
            versions.display = False
            body.update(Text(""))
            return
        title.update(Text(story.title))
        parts = [p for p in (story.source, story.age) if p]
        if story.authors:
            parts.append("By " + ", ".join(story.authors))
        marks = ("★ starred" if story.starred else "", "" if story.read else "unread")
        byline.update(Text(" · ".join(parts + [m for m in marks if m])))
        versions.display = bool(also_reported_by)
        versions.update(Text("Also reported by: " + ", ".join(also_reported_by)))
        paragraphs = list(story.paragraphs)
        paragraphs += [f"[photo] {caption}" for caption in story.captions]
        paragraphs += list(story.notes)
        body.update(Text("\n\n".join(paragraphs)))
        self.scroll_home(animate=False)
