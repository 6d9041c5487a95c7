"""Undo for marks and groupings: a stack of changes, each holding the marks that take it back.

A change records the values its marks had before, not the command that made it: undoing
"mark read" must not spread to a group's other versions that were read already, and undoing a
split must give the story back the grouping it had, whether that came from the duplicate index
or from an earlier correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from newsreader.tag_values import clean, with_tag


class Markable(Protocol):
    """What undo needs of a library (newsreader.library.Library has it)."""

    def set_read(self, ids: Sequence[str], read: bool = True) -> list[str]: ...

    def set_starred(self, ids: Sequence[str], starred: bool = True) -> list[str]: ...

    def ungroup(self, story_id: str) -> None: ...

    def group(self, keep_id: str, other_id: str) -> None: ...

    def marks_of(self, field: str, ids: Sequence[str]) -> dict[str, Any]: ...

    def restore_marks(self, field: str, values: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class Change:
    """One change a user made, in words, and the earlier value of each mark it set."""

    description: str
    field: str  # "read", "starred", "group", "hidden" or "tags"
    before: dict[str, Any]  # story id -> the value to put back

    @property
    def stories(self) -> list[str]:
        """The ids of the stories the change touched."""
        return list(self.before)


def mark_read(library: Markable, ids: Sequence[str], read: bool, description: str) -> Change | None:
    """Mark stories read or unread; the change that undoes it, or None if nothing changed."""
    changed = library.set_read(ids, read)
    return Change(description, "read", {sid: not read for sid in changed}) if changed else None


def mark_starred(
    library: Markable, ids: Sequence[str], starred: bool, description: str
) -> Change | None:
    """Star or unstar stories; the change that undoes it, or None if nothing changed."""
    changed = library.set_starred(ids, starred)
    return Change(description, "starred", {s: not starred for s in changed}) if changed else None


def tag(
    library: Markable, ids: Sequence[str], name: str, add: bool, description: str
) -> Change | None:
    """Add a tag to stories or remove it; the change that undoes it, or None if none changed."""
    before = library.marks_of("tags", ids)
    after = {sid: with_tag(value, name, add) for sid, value in before.items()}
    changed = {
        sid: value for sid, value in after.items() if list(value or []) != list(clean(before[sid]))
    }
    if not changed:
        return None
    library.restore_marks("tags", changed)
    return Change(description, "tags", {sid: before[sid] for sid in changed})


def ungroup(library: Markable, story_id: str, description: str) -> Change:
    """Show a story on its own; the change that puts it back in its group."""
    before = library.marks_of("group", [story_id])
    library.ungroup(story_id)
    return Change(description, "group", before)


def group(library: Markable, keep_id: str, other_id: str, description: str) -> Change:
    """Put `other_id` in the group of `keep_id`; the change that takes it out again."""
    before = library.marks_of("group", [other_id])
    library.group(keep_id, other_id)
    return Change(description, "group", before)


class UndoStack:
    """The last `limit` changes, the newest on top."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self._changes: list[Change] = []

    def __len__(self) -> int:
        return len(self._changes)

    def push(self, change: Change | None) -> None:
        """Remember a change (None, for a command that changed nothing, is ignored)."""
        if change is None:
            return
        self._changes.append(change)
        # Old changes go first: nobody undoes a hundred steps, and memory stays bounded.
        del self._changes[: -self.limit]

    def undo(self, library: Markable) -> Change | None:
        """Take back the newest change (on disk before this returns); None when there is none."""
        if not self._changes:
            return None
        change = self._changes.pop()
        library.restore_marks(change.field, change.before)
        return change

    def forget(self, field: str, stories: Sequence[str]) -> None:
        """Drop the newest change of `field` to exactly `stories`: it was never saved."""
        wanted = set(stories)
        for number in range(len(self._changes) - 1, -1, -1):
            change = self._changes[number]
            if change.field == field and set(change.before) == wanted:
                del self._changes[number]
                return

    def clear(self) -> None:
        """Forget every change."""
        self._changes.clear()
