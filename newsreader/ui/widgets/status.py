"""The status line fitted to the terminal: the counts stay, the title gives way."""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import Static

SEPARATOR = "  ·  "
_SHOWN = re.compile(r"^(?P<what>.*?)(?P<shown> \(\d+\+?(?: of \d+)?(?:, searching…)?\))?$")


def fit_status(line: str, cells: int) -> str:
    """`line` cut to `cells`: its title shortened first, keeping "(12 of 340)" and the counts."""
    if cell_len(line) <= cells or SEPARATOR not in line:
        return line
    title, counts = line.split(SEPARATOR, 1)
    found = _SHOWN.match(title)
    what, shown = (found["what"], found["shown"] or "") if found else (title, "")
    room = cells - cell_len(SEPARATOR + counts) - cell_len(shown)
    if room < 4:  # too narrow for any title: the counts alone
        return counts if cell_len(counts) <= cells else set_cell_size(counts, cells)
    if cell_len(what) > room:
        what = set_cell_size(what, room - 1) + "…"
    return what + shown + SEPARATOR + counts


class StatusLine(Static):
    """The line above the panes: what the list shows and its counts, or what just happened."""

    line = ""  # as last shown, before fitting

    def show(self, line: str) -> None:
        """Show `line`, fitted to the width the line has now."""
        # Its size is fixed by the stylesheet: a new count needs no layout of the whole screen,
        # which would cost more than the rest of opening a story.
        self.line = line
        fitted = fit_status(line, self.app.size.width - 2)  # its padding: a cell each side
        self.update(Text(fitted), layout=False)

    def refit(self) -> None:
        """Fit the line shown to the terminal's width again (after a resize)."""
        self.show(self.line)
