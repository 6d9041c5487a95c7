"""Which stories carry a mark, as a mask by position, kept up to date as marks change.

Made once from every mark, the ids found in the catalog's id column all at once (a lookup
per mark took seconds at 1,000,000 stories); after that only the stories whose marks changed
since (`changed_since`) are looked at again. Search, the list's filters and the counts ask.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newsreader.library.byte_columns import column

Mask = npt.NDArray[np.bool_]


class Marks(Protocol):
    """What a mask is made from: MarkState, or a snapshot's marks."""

    @property
    def changes(self) -> int: ...

    def changed_since(self, changes: int) -> Sequence[str] | None: ...

    def get(self, story: str, field: str, default: Any = None) -> Any: ...

    def items(self, field: str) -> Iterable[tuple[str, Any]]: ...


def positions_in(where: Mapping[str, int], ids: Sequence[str]) -> npt.NDArray[np.int64]:
    """The position of each of `ids` in `where`, -1 for an id it does not hold."""
    locate = getattr(where, "locate", None)
    if locate is not None:  # the catalog's id column: every id found in one pass
        return np.asarray(locate(column(ids)), dtype=np.int64)
    get = where.get
    return np.fromiter((get(sid, -1) for sid in ids), np.int64)


class MarkMasks:
    """Each mark's mask over some stories, and the marks' `changes` it reflects."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Hashable, int, Mask]] = {}

    def mask(
        self, marks: Marks, field: str, where: Mapping[str, int], count: int, key: Hashable
    ) -> Mask:
        """Which of `count` stories, by position (`where` maps ids to them), have `field` set.

        `key` names the stories and the marks object: a mask kept under another is made
        again. The mask returned is kept and updated in place: copy it to hold on to it.
        """
        kept = self._kept.get(field)
        if kept is not None and kept[0] == key:
            changed = marks.changed_since(kept[1])
            if changed is not None:  # a few marks set since: only those are looked at
                marked = kept[2]
                for sid in changed:
                    place = where.get(sid)
                    if place is not None:
                        marked[place] = bool(marks.get(sid, field))
                self._kept[field] = (key, marks.changes, marked)
                return marked
        changes = marks.changes  # before reading: a mark set meanwhile is looked at again
        marked = np.zeros(count, dtype=bool)
        marked_ids = getattr(marks, "marked_ids", None)  # MarkState's, faster than items
        ids = marked_ids(field) if marked_ids else [sid for sid, on in marks.items(field) if on]
        found = positions_in(where, ids)
        marked[found[found >= 0]] = True
        self._kept[field] = (key, changes, marked)
        return marked

    def forget(self) -> None:
        """Drop every mask: the next is made from every mark."""
        self._kept.clear()
