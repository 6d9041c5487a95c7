"""The finer check: what a story shares with its candidates, and how that text lies in it."""

from __future__ import annotations

import numpy as np

from newsreader.overlap import SENTENCE, WINDOW, Overlap

NO_FACTS = np.zeros(0, dtype=np.uint64)


def _shared_with(places_shared: list[int], length: int = 600) -> int:
    """`outside` for a candidate holding the story's marks at `places_shared` (of one mark
    every 4 shingles over `length` shingles)."""
    places = np.arange(0, length, 4, dtype=np.uint32)
    marks = np.arange(len(places), dtype=np.uint16)  # sorted, one per place
    held = marks[np.isin(places, places_shared)]
    overlap = Overlap()
    overlap.add(held, NO_FACTS)
    told = np.array([True])
    shared = overlap.shared(marks, NO_FACTS, np.array([0]), told, places)
    assert int(shared.rare[0]) == len(held)
    return int(shared.outside[0])


def test_one_paragraph_and_a_sentence_lie_in_their_blocks() -> None:
    paragraph = list(range(200, 200 + WINDOW, 4))
    sentence = list(range(480, 480 + SENTENCE, 4))
    assert _shared_with(paragraph + sentence) == 0


def test_text_kept_from_all_through_a_story_is_spread_out() -> None:
    kept = [p for start in range(0, 600, 100) for p in range(start, start + 20, 4)]
    assert _shared_with(kept) >= 3


def test_without_places_nothing_counts_as_spread_out() -> None:
    places = np.arange(0, 600, 4, dtype=np.uint32)
    marks = np.arange(len(places), dtype=np.uint16)
    overlap = Overlap()
    overlap.add(marks[::5], NO_FACTS)
    shared = overlap.shared(marks, NO_FACTS, np.array([0]), np.array([True]))
    assert int(shared.rare[0]) == len(marks[::5]) and int(shared.outside[0]) == 0


def test_text_another_told_story_holds_is_not_counted() -> None:
    places = np.arange(0, 600, 4, dtype=np.uint32)
    marks = np.arange(len(places), dtype=np.uint16)
    spread = marks[::5]
    overlap = Overlap()
    overlap.add(spread, NO_FACTS)
    overlap.add(spread, NO_FACTS)  # a second told story holding the same text: common
    told = np.array([True, True])
    shared = overlap.shared(marks, NO_FACTS, np.array([0, 1]), told, places)
    assert shared.rare.tolist() == [0, 0] and shared.outside.tolist() == [0, 0]
    assert shared.common.tolist() == [len(spread)] * 2
