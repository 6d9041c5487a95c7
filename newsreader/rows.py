"""The rows of the story list: each story placed, indented under its main story, made only
when drawn; the other versions of an expanded story placed under it. No Textual here: the
saved first screen is made of these rows too, by the app and by an import."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, overload

if TYPE_CHECKING:  # the library (and numpy) load after the first screen is painted
    from newsreader.library import StoryMeta


class Listed(Protocol):
    """What the list draws of a story: a StoryMeta, or a row of the saved first screen."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def age(self) -> str: ...
    @property
    def published(self) -> str | None: ...
    @property
    def role(self) -> str: ...


@dataclass(slots=True)
class ListRow:
    """A story as placed in the list: indented under its main story when related."""

    story: Listed
    depth: int
    hidden_versions: int = 0
    version_of: str | None = None  # set on a folded version shown in place under its story
    header: str | None = None  # set on a group's header row (its story: the group's first)


class StoryRows(Sequence[ListRow]):
    """The rows of `stories`, each made when it is first drawn, with the other versions of
    each story in `expanded` placed under it.

    At 100,000 stories, making every row up front would cost more than the rest of start-up.
    """

    def __init__(
        self,
        stories: Sequence[StoryMeta],
        versions: Callable[[str], list[str]],
        meta: Callable[[str], StoryMeta],
        expanded: Collection[str] = (),
    ) -> None:
        self.stories = stories
        self._versions = versions
        self._made: dict[int, ListRow] = {}
        self._where: dict[str, int] | None = None  # story id -> index in `stories`, if needed
        # Versions shown in place: the row number each block starts at, and its rows.
        placed = sorted((at, sid) for sid in expanded if (at := self._index_of(sid)) is not None)
        self._after: list[int] = []  # the index in `stories` of the story each block is under
        self._starts: list[int] = []
        self._blocks: list[list[ListRow]] = []
        for at, sid in placed:
            depth = self._row(at).depth + 1
            block = [ListRow(meta(other), depth, version_of=sid) for other in versions(sid)[1:]]
            self._after.append(at)
            self._starts.append(at + 1 + sum(len(b) for b in self._blocks))
            self._blocks.append(block)

    def _index_of(self, story_id: str) -> int | None:
        index_of = getattr(self.stories, "index_of", None)
        if index_of is not None:
            found: int | None = index_of(story_id)
            return found
        if self._where is None:
            self._where = {story.id: number for number, story in enumerate(self.stories)}
        return self._where.get(story_id)

    def _row(self, index: int) -> ListRow:
        row = self._made.get(index)
        if row is None:
            story = self.stories[index]
            depth = 1 if story.role == "related" and self._under_its_main(index) else 0
            hidden = len(self._versions(story.id)) - 1
            row = self._made[index] = ListRow(story, depth, hidden)
        return row

    def _under_its_main(self, index: int) -> bool:
        """Whether the row above a related story is its main or a sibling: a filter may have
        hidden them, and an indent under another story would say it belongs there."""
        if index == 0:
            return False
        story, above = self.stories[index], self.stories[index - 1]
        if above.id == story.main_id:
            return True
        sibling = above.role == "related" and above.main_id == story.main_id
        return sibling and self._row(index - 1).depth == 1

    def __len__(self) -> int:
        return len(self.stories) + sum(len(block) for block in self._blocks)

    @overload
    def __getitem__(self, number: int) -> ListRow: ...
    @overload
    def __getitem__(self, number: slice) -> list[ListRow]: ...
    def __getitem__(self, number: int | slice) -> ListRow | list[ListRow]:
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError(number)
        block = bisect.bisect_right(self._starts, number) - 1
        before = sum(len(b) for b in self._blocks[: block + 1])
        if block >= 0 and number < self._starts[block] + len(self._blocks[block]):
            return self._blocks[block][number - self._starts[block]]
        return self._row(number - before)

    def __iter__(self) -> Iterator[ListRow]:
        for number in range(len(self)):
            yield self[number]

    def __eq__(self, other: object) -> bool:
        # Compares like the list it stands for.
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def position_of(self, story_id: str) -> int | None:
        """The row number of a story, if it is in the rows."""
        for start, block in zip(self._starts, self._blocks, strict=True):
            for offset, row in enumerate(block):
                if row.story.id == story_id:
                    return start + offset
        index = self._index_of(story_id)
        if index is None:
            return None
        return index + sum(
            len(b) for a, b in zip(self._after, self._blocks, strict=True) if a < index
        )
