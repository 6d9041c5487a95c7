"""The unread and starred counts of a catalog read again on a thread, made there from the
marks as they were when the read began, and brought up to date with the marks made since.

Counting afresh walks every mark and looks each one up among the stories: 0.1 s at 100,000
stories and 50,000 read marks, about ten times that at 1,000,000; on the UI thread, each
import picked up would freeze the keys that long.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from newsreader.library.byte_columns import column, column_in_pieces
from newsreader.library.columns import StoryTable
from newsreader.library.groups import Groups

Ints = npt.NDArray[np.int64]
COUNTED = ("read", "starred", "hidden", "group")  # the fields the counts and groups follow
# Stories whose marks changed since the read, at most, that `brought_up` goes through (a few
# µs each, at every count); past that, the counts are made afresh.
RECOUNT_AT_MOST = 1_000


@dataclass(frozen=True)
class MarksSeen:
    """Copies of the marks of the fields counted (story: (time, origin, value)), and
    `MarkState.changes` when they were copied."""

    values: dict[str, dict[str, tuple[int, str, Any]]]
    changes: int

    def value(self, field: str, story: str) -> Any:
        """The value of one mark as it was; None when unset."""
        stamped = self.values[field].get(story)
        return None if stamped is None else stamped[2]

    def overrides(self) -> dict[str, str]:
        """The group marks, as `Library.group_marks` gives them."""
        return {sid: str(s[2]) for sid, s in self.values["group"].items() if s[2]}


@dataclass(frozen=True)
class Counted:
    """The counts of a catalog's visible stories, and which stories are visible."""

    unread: int
    starred: int
    visible: npt.NDArray[np.bool_]  # per position in the catalog


def marked(values: Mapping[str, tuple[int, str, Any]]) -> Iterable[str]:
    """The stories whose mark is set, of copied marks."""
    return (story for story, stamped in values.items() if stamped[2])


def shown_unhidden(table: StoryTable, groups: Groups, hidden: Iterable[str]) -> Ints:
    """The positions of the stories a reader sees: each group's shown one, none hidden."""
    shown = groups.shown_positions()
    found = table.positions.locate(column_in_pieces(hidden))
    found = found[found >= 0]
    return shown[~np.isin(shown, found)] if found.size else shown


def count(table: StoryTable, visible: Ints, read: Iterable[str], starred: Iterable[str]) -> Counted:
    """The unread stories among `visible` (positions), and the starred ones in the catalog."""
    mask = np.zeros(len(table), dtype=bool)
    mask[visible] = True
    found = table.positions.locate(column_in_pieces(read))
    stars = table.positions.locate(column_in_pieces(starred))
    unread = int(mask.sum()) - int(mask[found[found >= 0]].sum())
    return Counted(unread, int((stars >= 0).sum()), mask)


def count_seen(table: StoryTable, groups: Groups, seen: MarksSeen) -> Counted:
    """The counts of `table` grouped as `groups`, with the marks `seen`."""
    values = seen.values
    visible = shown_unhidden(table, groups, marked(values["hidden"]))
    return count(table, visible, marked(values["read"]), marked(values["starred"]))


def brought_up(
    table: StoryTable,
    counted: Counted,
    seen: MarksSeen,
    changed: Iterable[str],
    now: Callable[[str, str], Any],
) -> tuple[int, int] | None:
    """`counted` with the marks of the stories `changed` since `seen` as they are `now`
    (story, field: value); None when a change moves stories in or out of view (hide, group)."""
    unread, starred = counted.unread, counted.starred
    stories = list(set(changed))
    places = table.positions.locate(column(stories)).tolist()
    for story, place in zip(stories, places, strict=True):
        old = {field: seen.value(field, story) for field in COUNTED}
        new = {field: now(story, field) for field in COUNTED}
        if bool(old["hidden"]) != bool(new["hidden"]) or old["group"] != new["group"]:
            return None
        if place < 0:
            continue
        starred += int(bool(new["starred"])) - int(bool(old["starred"]))
        if counted.visible[place]:
            unread -= int(bool(new["read"])) - int(bool(old["read"]))
    return unread, starred
