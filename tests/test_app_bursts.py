"""Keys that arrive in a burst (a paste, a laggy SSH link) act only on what was on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.confirm import ConfirmScreen
from tests.app_library import build_library, make_app

NARROW = (80, 24)


@pytest.fixture
def long_stories(library_path: Path) -> Library:
    """Twelve stories of about five screens each at 80×24."""
    return build_library(library_path, stories=12, paragraphs=30)


def burst(app: NewsReader, key: str, times: int, character: str | None = None) -> None:
    """Queue `times` presses at once, as a terminal delivers a burst: no frame in between."""
    for _ in range(times):
        app.post_message(events.Key(key, character))


def read_ids(library_path: Path) -> set[str]:
    on_disk = Library(library_path)
    return {s.id for s in on_disk.visible() if on_disk.is_read(s.id)}


async def test_a_burst_of_space_marks_no_story_whose_end_was_not_drawn(
    long_stories: Library, library_path: Path
) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        burst(app, "space", 14, " ")
        await pilot.pause(0.3)
        first = app.story_list.rows[0].story.id
        assert app.reader.story_id == first  # the burst stopped at the story on screen
        assert read_ids(library_path) == set()


async def test_space_read_slowly_marks_each_story_once_its_end_is_drawn(
    long_stories: Library, library_path: Path
) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        first = app.story_list.rows[0].story.id
        for _ in range(30):
            await pilot.pause()
            await pilot.press("space")
            if app.reader.story_id != first:
                break
        await pilot.pause()
        assert read_ids(library_path) == {first}  # the next one is open, its end not drawn


async def test_a_burst_of_n_in_the_reader_opens_one_story(
    long_stories: Library, library_path: Path
) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        first = app.story_list.rows[0].story.id
        burst(app, "n", 6, "n")
        await pilot.pause(0.3)
        assert app.reader.story_id == app.story_list.rows[1].story.id
        assert read_ids(library_path) == {first}  # opened with Enter; the second is unread


async def test_enter_right_after_j_opens_the_story_the_cursor_moved_to(
    long_stories: Library, library_path: Path
) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        burst(app, "j", 1, "j")
        burst(app, "enter", 1)
        await pilot.pause(0.3)
        second = app.story_list.rows[1].story.id
        assert app.reader.story_id == second
        assert read_ids(library_path) == {second}


async def test_y_typed_before_the_question_is_drawn_does_not_answer_it(
    long_stories: Library, library_path: Path
) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        burst(app, "M", 1, "M")
        burst(app, "y", 1, "y")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmScreen)
        assert read_ids(library_path) == set()
        await pilot.press("y")
        assert len(read_ids(library_path)) == 12


async def test_words_typed_right_after_slash_go_into_the_search_bar(
    long_stories: Library,
) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        burst(app, "slash", 1, "/")
        for letter in "story":
            burst(app, letter, 1, letter)
        await pilot.pause(0.3)
        assert app.search_bar.input.value == "story"
        assert app.theme == "newsreader-dark"  # `t` went into the bar, not to the themes
        await pilot.press("slash")
        assert app.search_bar.input.value == "story/"  # in the bar, `/` is text


async def test_a_change_seen_as_the_app_closes_does_not_crash_it(
    long_stories: Library, library_path: Path
) -> None:
    # The twice-a-second look at the library's files can tick while the widgets are going.
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        other = Library(library_path)  # another process marks a story meanwhile
        other.set_read([app.story_list.rows[0].story.id])
        other.close()
        await app.query_one("#status").remove()
        app.look_for_changes()
        assert app.library.is_read(app.story_list.rows[0].story.id)
