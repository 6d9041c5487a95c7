"""NO_COLOR as no-color.org means it: no colour codes at all, only bold, dim, reverse and such."""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter


class Colourless(LineFilter):
    """Drops every foreground and background colour; text attributes and links stay."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """The segments without colour."""
        return [
            Segment(text, None if style is None else style.without_color, control)
            for text, style, control in segments
        ]
