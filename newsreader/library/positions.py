"""Reading positions: where the reader left each story, kept with the marks.

A position is one line of `marks.log` (fsynced, like a mark), written when the reader leaves
a story it had scrolled: never a rewrite of the story's body, and merged like any mark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.library import Library

# (the top line shown, how many lines the story had as wrapped then): at another width the
# top line is scaled by the new length, so the same part of the story comes back.
Place = tuple[int, int]


def place_of(library: Library, story_id: str) -> Place | None:
    """Where the reader left the story, if anywhere but its top."""
    value = library.marks.get(story_id, "position")
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value)
        and value[0] > 0
        and value[1] > 0
    ):
        return value[0], value[1]
    return None


def keep_place(library: Library, story_id: str, place: Place) -> bool:
    """Remember where the reader leaves a story, when it moved; whether anything was written."""
    top, lines = place
    before = place_of(library, story_id)
    if before == place or (before is None and top <= 0) or library.read_only:
        return False
    return library.marks.set_many("position", {story_id: [max(0, top), max(1, lines)]})
