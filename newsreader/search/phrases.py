"""Phrases: the index knows which words a story holds, not in what order, so text is read.

A story is a candidate for "prime minister" when it holds both words; its title is checked
first (it is in memory), then its body. Bodies are read body file by body file, so that each
file is parsed once, the files holding the newest candidates first. A deadline may stop the
reading early: the stories not reached then get no verdict.
"""

from __future__ import annotations

import time
from collections.abc import Container, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from newsreader.words import PhraseMatcher

if TYPE_CHECKING:
    from newsreader.search.searchable import Searchable


class PhraseCheck:
    """Tells which candidate stories hold every wanted phrase and no unwanted one."""

    def __init__(
        self,
        library: Searchable,
        wanted: Sequence[tuple[str, ...]],
        unwanted: Sequence[tuple[tuple[str, ...], Container[int]]],
        body_files: npt.NDArray[np.int32],
    ) -> None:
        # `unwanted` pairs each excluded phrase with the positions holding all its words;
        # `body_files` numbers each story's body file, by position.
        self.library = library
        self.body_files = body_files
        self.wanted = [PhraseMatcher(phrase) for phrase in wanted]
        self.unwanted = [(PhraseMatcher(phrase), suspects) for phrase, suspects in unwanted]

    def passes(self, position: int) -> bool:
        """Whether the story at `position` holds every wanted phrase and no unwanted one."""
        meta = self.library.catalog.stories[position]
        todo = [m for m in self.wanted if not m(meta.title)]
        doubts = [m for m, suspects in self.unwanted if position in suspects]
        if not todo and not doubts:
            return True
        body = self.library.catalog.body(meta).get("paragraphs", ())
        text = "\n".join((meta.title, *body))
        return all(m(text) for m in todo) and not any(m(text) for m in doubts)

    def run(
        self, positions: Sequence[int], deadline: float | None, known: dict[int, bool]
    ) -> list[bool | None]:
        """The verdict on each candidate (newest first), None for those `deadline` cut off.

        `known` holds the verdicts of earlier runs on the same phrases, by position: those
        stories are not read again, and the verdicts of this run are added to it.
        """
        verdicts: list[bool | None] = [known.get(p) for p in positions]
        by_file: dict[int, list[int]] = {}
        files = self.body_files[list(positions)].tolist()
        for i, file in enumerate(files):  # dicts keep the newest candidates' files first
            if verdicts[i] is None:
                by_file.setdefault(file, []).append(i)
        for members in by_file.values():
            if deadline is not None and time.monotonic() > deadline:
                break
            for i in members:
                verdicts[i] = known[positions[i]] = self.passes(positions[i])
        return verdicts
