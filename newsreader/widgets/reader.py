"""The reader pane: one story's title, byline, paragraphs and how its other versions differ."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from newsreader.difference import Difference
from newsreader.models import Story


@dataclass(frozen=True)
class OtherVersion:
    """Another version of the shown story and what differs from it."""

    id: str
    source: str
    age: str
    difference: Difference

    def summary(self) -> str:
        """One line: the source and how much differs."""
        parts = []
        d = self.difference
        if d.title_removed or d.title_added:
            parts.append(f"headline “{' '.join(d.title_removed)}” → “{' '.join(d.title_added)}”")
        if d.sentences_removed or d.sentences_added:
            parts.append(
                f"{_count(d.sentences_removed, 'sentence')} left out, "
                f"{len(d.sentences_added)} added"
            )
        if not parts:
            parts.append("same text")
        return f"{self.source}: " + "; ".join(parts)


class Reader(VerticalScroll, can_focus=True):
    """Shows a story. Its text is never parsed as markup: a dump cannot act on the app."""

    story_id: str | None = None  # the story shown, if any

    def compose(self) -> ComposeResult:
        yield Static(id="reader-title")
        yield Static(id="reader-byline")
        yield Static(id="reader-versions")
        yield Static(id="reader-body")
        yield Vertical(id="reader-differences")

    def on_mount(self) -> None:
        self.show_story(None)

    def show_story(self, story: Story | None, others: tuple[OtherVersion, ...] = ()) -> None:
        """Show `story` (or an empty-state hint) from the top."""
        title = self.query_one("#reader-title", Static)
        byline = self.query_one("#reader-byline", Static)
        versions = self.query_one("#reader-versions", Static)
        body = self.query_one("#reader-body", Static)
        differences = self.query_one("#reader-differences", Vertical)
        differences.remove_children()
        self.story_id = None if story is None else story.id
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
        # Read and starred show in the list, which every mark redraws; here they would go stale.
        byline.update(Text(" · ".join(parts)))
        versions.display = bool(others)
        sources = ", ".join(dict.fromkeys(other.source for other in others))
        versions.update(Text(f"Also reported by: {sources}"))
        paragraphs = list(story.paragraphs)
        paragraphs += [f"[photo] {caption}" for caption in story.captions]
        paragraphs += list(story.notes)
        body.update(Text("\n\n".join(paragraphs)))
        if others:
            differences.mount_all(_difference_widgets(others))
        self.scroll_home(animate=False)


def _count(items: tuple[str, ...], noun: str) -> str:
    """'1 sentence', '3 sentences'."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _difference_widgets(others: tuple[OtherVersion, ...]) -> list[Static]:
    """Headings and changed lines for each other version, styled by CSS class."""
    widgets = [Static(Text("What the other versions change"), classes="diff-heading")]
    for other in others:
        widgets.append(Static(Text(other.summary()), classes="diff-version"))
        d = other.difference
        if d.title_removed or d.title_added:
            widgets.append(Static(Text("− " + " ".join(d.title_removed)), classes="diff-removed"))
            widgets.append(Static(Text("+ " + " ".join(d.title_added)), classes="diff-added"))
        widgets.extend(Static(Text(f"− {s}"), classes="diff-removed") for s in d.sentences_removed)
        widgets.extend(Static(Text(f"+ {s}"), classes="diff-added") for s in d.sentences_added)
    return widgets
