"""Which stories are versions of one another, and which version is shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from newsreader.library.catalog import StoryMeta

SOLO_PREFIX = "solo:"


@dataclass
class Groups:
    """Stories keyed by group; `shown` maps each group to the version the list shows."""

    key_of: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    def duplicate_of(self, story_id: str) -> str | None:
        """The shown version of the story's group when it is not that version itself."""
        key = self.key_of.get(story_id)
        if key is None:
            return None
        shown = self.shown[key]
        return None if shown == story_id else shown

    def versions(self, story_id: str) -> list[str]:
        """Every story in the group of `story_id`, the shown version first."""
        key = self.key_of.get(story_id)
        if key is None:
            return [story_id]
        shown = self.shown[key]
        return [shown, *(other for other in self.members[key] if other != shown)]


def shown_first(story: StoryMeta) -> tuple[int, str, str]:
    """Sort key, smallest first, for the version shown: most words, then earliest published.

    The most complete version is the one a reader loses least by reading; among equals the
    first published is the original. The id breaks the last ties so every run agrees.
    """
    return (-story.words, story.published or "9999", story.id)


def compute_groups(stories: Sequence[StoryMeta], overrides: Mapping[str, str]) -> Groups:
    """Group stories by their import-time matches, then apply the user's split/join decisions."""
    by_id = {story.id: story for story in stories}
    root: dict[str, str] = {}

    def auto_root(story_id: str) -> str:
        path = []
        current = story_id
        while current not in root:
            path.append(current)
            match = by_id[current].match
            if match is None or match not in by_id or match in path:
                root[current] = current
                break
            current = match
        found = root[current]
        for step in path:
            root[step] = found
        return found

    groups = Groups()
    for story in stories:
        key = overrides.get(story.id) or auto_root(story.id)
        groups.key_of[story.id] = key
        groups.members.setdefault(key, []).append(story.id)
    for key, ids in groups.members.items():
        groups.shown[key] = min(ids, key=lambda i: shown_first(by_id[i]))
    return groups
