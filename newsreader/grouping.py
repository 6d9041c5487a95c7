"""The list grouped by source or by tag: a header row before each group, with its unread count.

Each story is placed once: by source, or by the first of its tags (alphabetically), the
untagged last. Rows are made when drawn, as in `StoryRows`; a header's count is worked out
when first drawn and again after `forget_counts` (a mark changed it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, overload

from newsreader.rows import ListRow

if TYPE_CHECKING:
    from newsreader.library import Library, StoryMeta

GROUPINGS = ("source", "tag")  # what the grouping key goes through, then no grouping again
UNTAGGED = "untagged"
NO_SOURCE = "no source"


def next_grouping(current: str | None) -> str | None:
    """The grouping after `current` (None: not grouped)."""
    if current is None:
        return GROUPINGS[0]
    position = GROUPINGS.index(current) + 1
    return GROUPINGS[position] if position < len(GROUPINGS) else None


class GroupedRows(Sequence[ListRow]):
    """The rows of `stories` under a header per group, groups in order of name."""

    def __init__(
        self,
        stories: Sequence[StoryMeta],
        group_of: Callable[[StoryMeta], str],
        versions: Callable[[str], list[str]],
        is_read: Callable[[str], bool],
        last: str = "",
    ) -> None:
        self.stories = stories
        self._versions = versions
        self._is_read = is_read
        members: dict[str, list[int]] = {}
        for index, story in enumerate(stories):
            members.setdefault(group_of(story), []).append(index)
        names = sorted(members, key=lambda name: (name == last, name.casefold()))
        # Each row: an index into `stories`, or -(group number) - 1 for a group's header.
        self._entries: list[int] = []
        self.groups: list[tuple[str, list[int]]] = []
        for name in names:
            self._entries.append(-len(self.groups) - 1)
            self.groups.append((name, members[name]))
            self._entries.extend(members[name])
        self._made: dict[int, ListRow] = {}
        self._unread: dict[int, int] = {}
        self._rows_of: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, number: int) -> ListRow: ...
    @overload
    def __getitem__(self, number: slice) -> list[ListRow]: ...
    def __getitem__(self, number: int | slice) -> ListRow | list[ListRow]:
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        entry = self._entries[number]
        if entry < 0:
            return self._header(-entry - 1)
        row = self._made.get(entry)
        if row is None:
            story = self.stories[entry]
            hidden = len(self._versions(story.id)) - 1
            row = self._made[entry] = ListRow(story, 0, hidden)
        return row

    def __iter__(self) -> Iterator[ListRow]:
        for number in range(len(self)):
            yield self[number]

    def _header(self, group: int) -> ListRow:
        name, members = self.groups[group]
        unread = self._unread.get(group)
        if unread is None:
            is_read = self._is_read
            unread = self._unread[group] = sum(
                1 for index in members if not is_read(self.stories[index].id)
            )
        label = f"{name}  ·  {unread} unread of {len(members)}"
        return ListRow(self.stories[members[0]], 0, header=label)

    def forget_counts(self) -> None:
        """Count each group's unread stories again when its header is next drawn."""
        self._unread.clear()

    def position_of(self, story_id: str) -> int | None:
        """The row number of a story, if it is in the rows."""
        if self._rows_of is None:
            self._rows_of = {
                self.stories[entry].id: number
                for number, entry in enumerate(self._entries)
                if entry >= 0
            }
        return self._rows_of.get(story_id)


def grouped_rows(library: Library, stories: Sequence[StoryMeta], by: str) -> GroupedRows:
    """The rows of `stories` grouped `by` "source" or "tag"."""
    if by == "tag":
        from newsreader.library.tags import Tags

        tags = Tags(library)

        def group_of(story: StoryMeta) -> str:
            found = tags.of(story.id, story.source, story.dump)
            return found[0] if found else UNTAGGED

        last = UNTAGGED
    else:

        def group_of(story: StoryMeta) -> str:
            return story.source or NO_SOURCE

        last = NO_SOURCE
    return GroupedRows(stories, group_of, library.versions, library.is_read, last)
