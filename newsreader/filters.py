"""What the story list shows: all, unread or starred stories, narrowed by a search query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.query import Query

if TYPE_CHECKING:
    from newsreader.library import Library, StoryMeta

SHOWS: dict[str, str] = {"all": "All stories", "unread": "Unread", "starred": "Starred"}


@dataclass(frozen=True)
class View:
    """A filter (`all`, `unread` or `starred`) and the search query narrowing it, if any."""

    show: str = "all"
    query: Query | None = None

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
        return f"{label} ({shown} of {total})"


def select(library: Library, view: View) -> tuple[Sequence[StoryMeta], int]:
    """The visible stories that `view` shows, in library order, and how many are visible."""
    stories = library.visible()
    total = len(stories)
    if view.show == "unread":
        stories = [s for s in stories if not library.is_read(s.id)]
    elif view.show == "starred":
        # A star stays on the version starred, which may be folded under the one shown.
        starred = {library.duplicate_of(sid) or sid for sid in library.search(Query(starred=True))}
        stories = [s for s in stories if s.id in starred]
    if view.searching:
        assert view.query is not None
        # A story is found when any of its versions matches: they are one story to the reader.
        found = {library.duplicate_of(sid) or sid for sid in library.search(view.query)}
        stories = [s for s in stories if s.id in found]
    return stories, total
