"""A yes/no question asked before a change that touches many stories at once."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual._time import get_time
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask `question`; dismissed with True for yes (y, Enter) and False for no (n, Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield _Question(Text(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="confirm-yes")
                yield Button("Cancel (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        yes = event.button.id == "confirm-yes"
        if not yes or self.query_one(_Question).shown_at is not None:
            self.dismiss(yes)

    def action_answer(self, yes: bool) -> None:
        """Close the question with the answer; a yes typed before it was on screen is none."""
        shown_at = self.query_one(_Question).shown_at
        # The key's time, where the app keeps it: a burst can reach this before it is drawn.
        typed_at = getattr(self.app, "key_time", None)
        if not yes or (shown_at is not None and (typed_at is None or typed_at >= shown_at)):
            self.dismiss(yes)


class _Question(Static):
    """The question, which knows whether it has been drawn: an answer typed before is none."""

    shown_at: float | None = None  # when it was first drawn, on the clock of key events

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.shown_at is None:
            self.shown_at = get_time()
        return super().render_lines(crop)
