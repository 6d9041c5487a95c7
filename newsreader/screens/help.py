"""The help screen: every action with the keys it is bound to now, rebindings included."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader import __version__
from newsreader.actions import ACTIONS


def current_keys(app: App[Any]) -> dict[str, str]:
    """Each action's keys as the footer shows them ("j / ↓"), after the user's [keys]."""
    keys: dict[str, list[str]] = {}
    for active in app.screen.active_bindings.values():
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
    ]

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        lines = Text(f"newsreader {__version__} — keys\n\n", style="bold")
        for action in ACTIONS:
            keys = self._keys.get(action.name, action.key_display or action.keys)
            lines.append(f"{keys:>14}  ", style="bold")
            lines.append(f"{action.description}\n")
        lines.append("\nctrl+p opens the command palette. Esc closes this help.")
        with VerticalScroll(id="help"):
            yield Static(lines)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss()
