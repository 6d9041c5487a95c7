"""Which stories are versions of one another, and which version is shown.

Groups are computed for the whole library each time it is opened, so they are computed with
arrays: a Python loop over 100,000 stories would cost more than the rest of start-up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from newsreader.library.columns import StoryMeta, StoryTable, shown_first

__all__ = ["SOLO_PREFIX", "Groups", "compute_groups", "shown_first"]

SOLO_PREFIX = "solo:"
_JUMPS = 64  # halving steps allowed to find the roots; match chains are acyclic and short

Ints = npt.NDArray[np.int64]


class Groups:
    """Stories keyed by group; each group shows one version, the first by `shown_first`."""

    def __init__(
        self,
        stories: Sequence[StoryMeta] = (),
        ids: Sequence[str] = (),
        key: Ints | None = None,
        rank: Ints | None = None,
        names: Sequence[str] = (),
        positions: Mapping[str, int] | None = None,  # of each id in `ids`, if known
    ) -> None:
        self.stories = stories  # what the groups were computed from
        self._ids = ids
        self._positions = positions or {story_id: number for number, story_id in enumerate(ids)}
        n = len(self._ids)
        # Kept as 32-bit numbers: at 1,000,000 stories each array per story is 4 MB, not 8.
        self._key = np.zeros(0, np.int32) if key is None else key.astype(np.int32)
        self._names = list(names)  # group keys that are no story's id, numbered from n
        rank = np.zeros(0, np.int64) if rank is None else rank
        # Members of a group lie together in `_order`, in library order; `_start`, `_size` and
        # `_shown` (the shown story's position) are per group, `_group` per story.
        self._order = np.argsort(self._key, kind="stable").astype(np.int32)
        keys = self._key[self._order]
        first = np.ones(n, dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        self._start = np.flatnonzero(first).astype(np.int32)
        self._size = np.diff(np.append(self._start, n)).astype(np.int32)
        self._group = np.empty(n, dtype=np.int32)
        self._group[self._order] = np.cumsum(first) - 1
        by_rank = np.empty(n, dtype=np.int32)
        by_rank[rank] = np.arange(n)
        lowest = np.minimum.reduceat(rank[self._order], self._start) if n else rank
        self._shown = by_rank[lowest]

    @property
    def key_of(self) -> Mapping[str, str]:
        """The group key of each story."""
        return _Keys(self)

    def _key_name(self, key: int) -> str:
        n = len(self._ids)
        return self._ids[key] if key < n else self._names[key - n]

    def duplicate_of(self, story_id: str) -> str | None:
        """The shown version of the story's group when it is not that version itself."""
        number = self._positions.get(story_id)
        if number is None:
            return None
        shown = int(self._shown[self._group[number]])
        return None if shown == number else self._ids[shown]

    def versions(self, story_id: str) -> list[str]:
        """Every story in the group of `story_id`, the shown version first."""
        number = self._positions.get(story_id)
        if number is None:
            return [story_id]
        group = self._group[number]
        start = int(self._start[group])
        shown = int(self._shown[group])
        members = self._order[start : start + int(self._size[group])].tolist()
        return [self._ids[shown], *(self._ids[m] for m in members if m != shown)]

    def shown_versions(self, positions: Ints) -> Ints:
        """The position of the shown version of the story at each of `positions`."""
        return self._shown[self._group[positions]].astype(np.int64)

    def shown_positions(self) -> Ints:
        """Positions (in the stories grouped) of the shown versions, in library order."""
        return np.flatnonzero(self._shown[self._group] == np.arange(len(self._ids)))

    def version_counts(self) -> Ints:
        """How many stories each story's group holds, per position."""
        return self._size[self._group].astype(np.int64)


class _Keys(Mapping[str, str]):
    """The group key of each story, as names: a story id, or a key set by the user."""

    def __init__(self, groups: Groups) -> None:
        self._groups = groups

    def __getitem__(self, story_id: str) -> str:
        groups = self._groups
        return groups._key_name(int(groups._key[groups._positions[story_id]]))

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups._positions)

    def __len__(self) -> int:
        return len(self._groups._positions)


def _roots(match: Ints) -> Ints:
    """Each story's first ancestor along `match` links (-1 = none): the story it repeats, the
    one that repeats, and so on. Found by pointer halving; None-like -1 when links loop."""
    parent = np.where(match >= 0, match, np.arange(len(match)))
    for _ in range(_JUMPS):
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand
    return np.full(len(match), -1, dtype=np.int64)


def _roots_walking(match: Sequence[int]) -> list[int]:
    """`_roots` by walking each chain, for links that loop (which imports never make)."""
    root: dict[int, int] = {}
    for number in range(len(match)):
        path: list[int] = []
        current = number
        while current not in root:
            path.append(current)
            link = match[current]
            if link < 0 or link in path:
                root[current] = current
                break
            current = link
        for step in path:
            root[step] = root[current]
    return [root[number] for number in range(len(match))]


def compute_groups(stories: Sequence[StoryMeta], overrides: Mapping[str, str]) -> Groups:
    """Group stories by their import-time matches, then apply the user's split/join decisions."""
    if isinstance(stories, StoryTable):
        ids: Sequence[str] = stories.ids
        positions: Mapping[str, int] = stories.positions
        match = stories.match.astype(np.int64)
        rank = stories.rank.astype(np.int64)
    else:
        ids = [story.id for story in stories]
        positions = {story_id: number for number, story_id in enumerate(ids)}
        match = np.array(
            [positions.get(s.match, -1) if s.match else -1 for s in stories], dtype=np.int64
        )
        rank = np.empty(len(ids), dtype=np.int64)
        order = sorted(range(len(ids)), key=lambda number: shown_first(stories[number]))
        rank[order] = np.arange(len(ids))
    key = _roots(match)
    if len(key) and key[0] < 0:
        key = np.array(_roots_walking(match.tolist()), dtype=np.int64)
    names: dict[str, int] = {}
    for story_id, name in overrides.items():
        number = positions.get(story_id)
        if number is None or not name:
            continue
        # A key that is a story's id is the group that story heads, as when no one chose.
        known = positions.get(name)
        key[number] = known if known is not None else names.setdefault(name, len(ids) + len(names))
    return Groups(stories, ids, key, rank, list(names), positions)
