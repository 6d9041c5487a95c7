"""The `/` search bar: a query typed here narrows the story list as it is typed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

PLACEHOLDER = 'words "a phrase" source:name unread starred @2-days-ago -word'


class SearchBar(Horizontal):
    """An input for the query language and a place for what is wrong with the query."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear search", show=False),
    ]

    class Changed(Message):
        """The query text changed (on every key)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Closed(Message):
        """The user left the bar: Enter keeps the query, Esc has cleared it."""

        def __init__(self, keep: bool) -> None:
            super().__init__()
            self.keep = keep

    def compose(self) -> ComposeResult:
        yield Static(Text("/"), id="search-prompt")
        yield Input(placeholder=PLACEHOLDER, id="search-input", select_on_focus=False)
        yield Static(id="search-error")

    @property
    def input(self) -> Input:
        """The text field."""
        return self.query_one(Input)

    @property
    def text(self) -> str:
        """The query as typed."""
        return self.input.value

    def open(self) -> None:
        """Show the bar and put the cursor in it."""
        self.add_class("open")
        # Shown and focused at once, before the keys already queued are handed out: words
        # typed right after `/` (a burst over SSH) belong in the bar, not to the list.
        self.display = True
        self.screen.set_focus(self.input)

    def close(self) -> None:
        """Hide the bar, unless it holds a query that still narrows the list."""
        self.set_class(bool(self.text.strip()), "open")
        self.display = self.has_class("open")

    def show_error(self, message: str | None) -> None:
        """Say what is wrong with the query, or clear the message."""
        error = self.query_one("#search-error", Static)
        error.update(Text(message or ""))
        error.display = bool(message)

    def on_mount(self) -> None:
        self.show_error(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Closed(keep=True))

    def action_cancel(self) -> None:
        """Clear the query and leave the bar."""
        self.input.value = ""
        self.show_error(None)
        self.post_message(self.Closed(keep=False))
