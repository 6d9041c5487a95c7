"""What a search reads of a library: its stories, their bodies, marks, and its index on disk.

An opened `Library` is one; so is a `Snapshot`, read from the files without opening them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from newsreader.library.columns import StoryMeta, StoryTable
    from newsreader.library.search_index import SegmentIndex


class Stories(Protocol):
    """The stories in library order, by id, and their bodies read on demand."""

    @property
    def stories(self) -> StoryTable: ...

    @property
    def by_id(self) -> Mapping[str, StoryMeta]: ...

    def body(self, story: StoryMeta) -> dict[str, Any]:
        """The body document of `story`: its paragraphs and more."""
        ...


class Marks(Protocol):
    """The marks set on stories."""

    @property
    def changes(self) -> int:
        """A number that moves on whenever any mark changes."""
        ...

    def changed_since(self, changes: int) -> Sequence[str] | None:
        """The stories whose marks changed since `changes` was read, or None if unknown."""
        ...

    def get(self, story: str, field: str, default: Any = None) -> Any:
        """The value of `field` for `story`."""
        ...

    def items(self, field: str) -> Iterable[tuple[str, Any]]:
        """Every (story, value) pair set for `field`."""
        ...


class Searchable(Protocol):
    """A library as search reads it."""

    @property
    def folder(self) -> Path: ...

    @property
    def catalog(self) -> Stories: ...

    @property
    def marks(self) -> Marks: ...

    def index_missing(self, index: SegmentIndex) -> int:
        """Index what no segment of `index` holds yet, if it can write; how many."""
        ...
