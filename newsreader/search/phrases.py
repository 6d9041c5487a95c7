"""Phrases: the index knows which words a story holds, not in what order, so text is read.

A story is a candidate for "prime minister" when it holds both words; its title is checked
first (it is in memory), then its body. Bodies are read body file by body file, so that each
file is parsed once, the files holding the newest candidates first. A deadline may stop the
reading early, between two stories: the stories not reached then get no verdict.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from newsreader.words import PhraseMatcher

if TYPE_CHECKING:
    from newsreader.search.searchable import Searchable


class Verdicts:
    """What earlier checks of the same phrases found, by position: checked, and passed."""

    def __init__(self, stories: int) -> None:
        self.checked = np.zeros(stories, dtype=bool)
        self.passed = np.zeros(stories, dtype=bool)


class PhraseCheck:
    """Tells which candidate stories hold every wanted phrase and no unwanted one."""

    def __init__(
        self,
        library: Searchable,
        wanted: Sequence[tuple[str, ...]],
        unwanted: Sequence[tuple[tuple[str, ...], npt.NDArray[np.bool_]]],
        body_files: npt.NDArray[np.int32],
    ) -> None:
        # `unwanted` pairs each excluded phrase with which stories, by position, hold all its
        # words; `body_files` numbers each story's body file, by position.
        self.library = library
        self.body_files = body_files
        self.wanted = [PhraseMatcher(phrase) for phrase in wanted]
        self.unwanted = [(PhraseMatcher(phrase), suspects) for phrase, suspects in unwanted]

    def passes(self, position: int) -> bool:
        """Whether the story at `position` holds every wanted phrase and no unwanted one."""
        meta = self.library.catalog.stories[position]
        todo = [m for m in self.wanted if not m(meta.title)]
        doubts = [m for m, suspects in self.unwanted if suspects[position]]
        if not todo and not doubts:
            return True
        body = self.library.catalog.body(meta).get("paragraphs", ())
        text = "\n".join((meta.title, *body))
        return all(m(text) for m in todo) and not any(m(text) for m in doubts)

    def run(
        self, positions: npt.NDArray[np.int64], deadline: float | None, known: Verdicts
    ) -> npt.NDArray[np.int8]:
        """The verdict on each candidate (ascending positions, the newest first): 1 passes,
        0 fails, -1 for those `deadline` cut off.

        `known` holds the verdicts of earlier runs on the same phrases: those stories are not
        read again, and the verdicts of this run are added to it.
        """
        todo = positions[~known.checked[positions]]
        groups = _by_file(todo, self.body_files[todo])
        for position in (p for members in groups for p in members.tolist()):
            # Checked story by story, not file by file: a search as one types ends within
            # one story's reading of its limit, whatever the size of a body file.
            if deadline is not None and time.monotonic() > deadline:
                break
            known.passed[position] = self.passes(position)
            known.checked[position] = True
        verdicts = np.where(known.passed[positions], 1, 0).astype(np.int8)
        verdicts[~known.checked[positions]] = -1
        return verdicts


def _by_file(
    positions: npt.NDArray[np.int64], files: npt.NDArray[np.int32]
) -> Iterator[npt.NDArray[np.int64]]:
    """`positions` grouped by their body file in `files`, the files in the order their first
    position comes, each group made only when it is reached."""
    if not positions.size:
        return
    # Neighbours mostly share a file: sorting the runs of one file, not every position,
    # keeps a phrase with a million candidates from sorting a million files first.
    starts = np.flatnonzero(np.concatenate(([True], files[1:] != files[:-1])))
    ends = np.append(starts[1:], positions.size)
    order = np.argsort(files[starts], kind="stable")
    sorted_files = files[starts][order]
    bounds = np.flatnonzero(np.concatenate(([True], sorted_files[1:] != sorted_files[:-1])))
    bounds = np.append(bounds, order.size)
    for group in np.argsort(order[bounds[:-1]]).tolist():
        runs = order[bounds[group] : bounds[group + 1]].tolist()
        yield np.concatenate([positions[starts[r] : ends[r]] for r in runs])
