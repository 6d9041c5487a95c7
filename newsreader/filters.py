"""What the story list shows: all, unread or starred stories, narrowed by a search query."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the query module pulls in numpy, which the first screen goes without
    import numpy as np
    import numpy.typing as npt

    from newsreader.library import Library
    from newsreader.library.columns import StorySelection
    from newsreader.query import Query

SHOWS: dict[str, str] = {"all": "All stories", "unread": "Unread", "starred": "Starred"}


@dataclass(frozen=True)
class View:
    """A filter (`all`, `unread` or `starred`) and the search query narrowing it, if any."""

    show: str = "all"
    query: Query | None = None
    complete: bool = True  # False while a search as you type has not checked every story

    @property
    def searching(self) -> bool:
        """Whether a query narrows the list (an empty or blank one does not)."""
        return self.query is not None and bool(self.query.text.strip())

    @property
    def is_everything(self) -> bool:
        """Whether every visible story is shown."""
        return self.show == "all" and not self.searching

    def title(self, shown: int, total: int) -> str:
        """What is shown and how many: 'Unread (12 of 340)', 'All stories (340)'."""
        label = SHOWS[self.show]
        if self.searching:
            assert self.query is not None
            label += f" matching “{self.query.text.strip()}”"
        if self.is_everything:
            return f"{label} ({total})"
        if not self.complete:
            return f"{label} ({shown}+ of {total}, searching…)"
        return f"{label} ({shown} of {total})"


def select(
    library: Library,
    view: View,
    unread_only: bool = False,
    found: Collection[str] | None = None,
) -> tuple[StorySelection, int]:
    """The visible stories that `view` shows (only the unread ones if asked), in library order,
    and how many stories are visible in all. `found` stands for the search's answer when the
    caller has it already (a search as you type cut short).

    Stories are picked by position and made only when drawn: at 1,000,000 stories a filter
    costs a few passes over arrays, not an id (nor a story's metadata) per story.
    """
    import numpy as np

    from newsreader.library.columns import StorySelection

    shown = library.visible_positions()
    total = len(shown)
    if unread_only or view.show == "unread":
        shown = shown[~library.marked_mask("read")[shown]]
    if view.show == "starred":
        # A star stays on the version starred, which may be folded under the one shown.
        shown = shown[library.shown_for(np.flatnonzero(library.marked_mask("starred")))[shown]]
    if view.searching:
        assert view.query is not None
        from newsreader.search.index import find

        matches = _positions(library, find(library, view.query).ids if found is None else found)
        shown = shown[library.shown_for(matches)[shown]]
    return StorySelection(library.catalog.stories, shown), total


def _positions(library: Library, ids: Iterable[str]) -> npt.NDArray[np.int64]:
    """Where the stories of a search's answer are (its positions, when it has them)."""
    from newsreader.library.byte_columns import column
    from newsreader.search.index import StoryIds

    table = library.catalog.stories
    if isinstance(ids, StoryIds) and ids.stories is table:  # of the catalog as it is now
        return ids.positions
    found = table.positions.locate(column(ids))
    return found[found >= 0]
