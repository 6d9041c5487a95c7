"""The help screen: every action with the keys it is bound to now, rebindings included."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from newsreader import __version__
from newsreader.actions import ACTIONS


def current_keys(app: App[Any], screen: Screen[Any] | None = None) -> dict[str, str]:
    """Each action's keys as the footer shows them ("j / ↓"), after the user's [keys], on
    `screen` (the app's screen unless given)."""
    keys: dict[str, list[str]] = {}
    for active in (screen or app.screen).active_bindings.values():
        binding = active.binding
        if binding.id:
            shown = app.get_key_display(binding)
            if shown not in keys.setdefault(binding.id, []):
                keys[binding.id].append(shown)
    return {name: " / ".join(shown) for name, shown in keys.items()}


class HelpScreen(ModalScreen[None]):
    """Every action with its keys, from the same table that binds them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
        Binding("g,home", "scroll_to(0)", "Top", show=False),
        Binding("G,end", "scroll_to(-1)", "Bottom", show=False),
    ]

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        lines = Text(f"newsreader {__version__} — keys\n", style="bold")
        # Above the fold at any height: how to move in here and how to leave.
        lines.append("j/k scroll, g/G top and bottom, Esc closes\n\n", style="dim")
        for action in ACTIONS:
            keys = self._keys.get(action.name, action.key_display or action.keys)
            lines.append(f"{keys:>14}  ", style="bold")
            lines.append(f"{action.description}\n")
        lines.append("\nctrl+p opens the command palette. Esc closes this help.")
        with VerticalScroll(id="help"):
            yield Static(lines)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        """Scroll the help by `lines`."""
        self.query_one("#help", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_scroll_to(self, line: int) -> None:
        """Scroll the help to its top (0) or its end (-1)."""
        help_pane = self.query_one("#help", VerticalScroll)
        help_pane.scroll_to(y=help_pane.max_scroll_y if line < 0 else line, animate=False)
