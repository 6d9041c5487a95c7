"""What search keeps between queries and how it groups work: mark masks, lazy ids, files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.library import Library
from newsreader.query import parse_query
from newsreader.search.index import find
from newsreader.search.phrases import _by_file

from .test_search import HAND_MADE

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def made(library_path: Path) -> Iterator[Library]:
    library = Library(library_path)
    library.import_dumps(HAND_MADE)
    yield library
    library.close()


def ids(library: Library, text: str) -> list[str]:
    return list(find(library, parse_query(text, NOW)).ids)


def test_a_mark_set_after_a_search_shows_in_the_next(made: Library) -> None:
    everyone = ids(made, "")
    assert ids(made, "unread") == everyone and ids(made, "starred") == []
    made.set_read(everyone[:1])
    made.set_starred(everyone[1:])
    assert ids(made, "unread") == everyone[1:]
    assert ids(made, "read") == everyone[:1]
    assert ids(made, "starred") == everyone[1:]
    made.set_read(everyone[:1], read=False)
    assert ids(made, "unread") == everyone


def test_a_mark_set_by_another_process_shows_once_picked_up(made: Library) -> None:
    everyone = ids(made, "")
    assert ids(made, "read") == []
    other = Library(made.folder)
    other.set_read(everyone[-1:])
    other.close()
    made.marks.refresh()
    assert ids(made, "read") == everyone[-1:]


def test_marks_read_again_whole_show_in_the_next_search(made: Library) -> None:
    everyone = ids(made, "")
    assert ids(made, "starred") == []
    other = Library(made.folder)
    other.set_starred(everyone[:2])
    other.marks.compact()  # the snapshot changes: the marks are read again from the files
    other.close()
    assert made.marks.refresh()
    assert ids(made, "starred") == everyone[:2]
    made.set_starred(everyone[:1], starred=False)
    assert ids(made, "starred") == everyone[1:2]


def test_found_ids_read_like_a_list(made: Library) -> None:
    found = find(made, parse_query("prime", NOW)).ids
    listed = list(found)
    assert len(found) == len(listed) == 2
    assert found == listed and found[0] == listed[0] and found[-1] == listed[-1]
    assert found[:1] == listed[:1] and listed[1] in found
    assert found != listed[:1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=60))
def test_candidates_are_grouped_by_body_file_in_order_of_first_sight(
    draws: list[tuple[int, bool]],
) -> None:
    files = np.array([file for file, _ in draws], dtype=np.int32)
    positions = np.cumsum([1 + skip for _, skip in draws], dtype=np.int64)
    expected: dict[int, list[int]] = {}
    for position, file in zip(positions.tolist(), files.tolist(), strict=True):
        expected.setdefault(file, []).append(position)
    assert [group.tolist() for group in _by_file(positions, files)] == list(expected.values())


def test_marks_on_stories_the_library_lacks_are_left_out_of_the_first_mask(
    made: Library,
) -> None:
    everyone = ids(made, "")
    made.marks.set_many("read", {"no-such-story": True, everyone[0]: True})
    made.marks.set_many("starred", {everyone[1]: True, everyone[2]: False, "gone": True})
    again = Library(made.folder)  # a new session: the masks are made from every mark
    assert ids(again, "read") == everyone[:1]
    assert ids(again, "unread") == everyone[1:]
    assert ids(again, "starred") == everyone[1:2]
    assert ids(again, "-starred") == [everyone[0], *everyone[2:]]
    again.close()
