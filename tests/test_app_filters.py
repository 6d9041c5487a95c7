"""Filters (1/2/3), the `/` search as you type, and marking every listed story read (M)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from newsreader.library import Library
from newsreader.query import Query
from newsreader.search.index import Found, find
from newsreader.search.searchable import Searchable
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.confirm import ConfirmScreen
from tests.app_library import build_library, make_app
from tests.test_search import count_phrase_checks

SIZE = (80, 24)


@pytest.fixture
def many(library_path: Path) -> Library:
    """Forty short stories, half about rain and half about sun."""
    return build_library(library_path)


def status(app: NewsReader) -> str:
    return str(app.query_one("#status", Static).content)


def titles(app: NewsReader) -> list[str]:
    return [row.story.title for row in app.story_list.rows]


async def test_2_shows_unread_and_says_how_many(many: Library) -> None:
    ids = [s.id for s in many.visible()]
    many.set_read(ids[:30], True)
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        assert status(app).startswith("All stories (40)")
        await pilot.press("2")
        assert app.listing.view.show == "unread"
        assert [r.story.id for r in app.story_list.rows] == ids[30:]
        assert status(app).startswith("Unread (10 of 40)")
        await pilot.press("1")
        assert len(app.story_list.rows) == 40
        assert status(app).startswith("All stories (40)")


async def test_3_shows_starred_even_when_a_folded_version_has_the_star(seeded: Library) -> None:
    hidden = next(s.id for s in seeded.stories if seeded.duplicate_of(s.id) is not None)
    seeded.set_starred([hidden], True)
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert [r.story.id for r in app.story_list.rows] == [seeded.duplicate_of(hidden)]
        assert status(app).startswith("Starred (1 of 3)")


async def test_the_cursor_stays_on_its_story_when_the_filter_changes(many: Library) -> None:
    ids = [s.id for s in many.visible()]
    many.set_read(ids[:5], True)
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["j"] * 7, "2")
        assert app.story_list.current is not None
        assert app.story_list.current.id == ids[7]


async def test_slash_filters_as_you_type(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"rain")
        assert len(app.story_list.rows) == 20
        assert all("rain" in t for t in titles(app))
        assert "matching “rain” (20 of 40)" in status(app)
        await pilot.press(*" marker1")  # a word of the body, not the title
        assert len(app.story_list.rows) == 10


async def test_enter_keeps_the_search_and_esc_in_the_list_drops_it(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"sun", "enter")
        assert app.focused is app.story_list
        assert len(app.story_list.rows) == 20
        assert app.search_bar.display  # still says what the list is narrowed by
        await pilot.press("j", "r")  # keys work on the narrowed list
        assert many.is_read(app.story_list.rows[1].story.id)
        await pilot.press("escape")
        assert len(app.story_list.rows) == 40
        assert not app.search_bar.has_class("open")


async def test_esc_in_the_bar_clears_and_closes_it(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"sun", "escape")
        await pilot.pause()
        assert app.focused is app.story_list
        assert len(app.story_list.rows) == 40
        assert not app.search_bar.has_class("open")
        assert app.search_bar.text == ""


async def test_a_bad_query_is_shown_in_the_bar_and_the_list_stays(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"rain @yesterday")
        error = app.query_one("#search-error", Static)
        assert error.display and "not a date" in str(error.content)
        assert len(app.story_list.rows) == 20  # the last good query still holds
        await pilot.press(*["backspace"] * 11)
        assert not error.display
        await pilot.press("enter", "j")
        assert app.is_running


async def test_query_flags_combine_with_the_filter(many: Library) -> None:
    ids = [s.id for s in many.visible()]
    many.set_starred(ids[:4], True)
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"starred source:mint", "enter")
        assert [r.story.id for r in app.story_list.rows] == [ids[0], ids[3]]


async def test_m_marks_every_matching_story_read_after_a_confirmation(
    many: Library, library_path: Path
) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"rain", "enter", "M")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark 20 unread stories matching “rain” read?" in app.screen.question
        await pilot.press("y")
        assert not isinstance(app.screen, ConfirmScreen)
        on_disk = Library(library_path)
        read = {s.id for s in on_disk.visible() if on_disk.is_read(s.id)}
        assert read == {r.story.id for r in app.story_list.rows}
        assert app.listing.unread == 20
        assert "20 unread" in status(app)


async def test_m_answered_no_changes_nothing(many: Library, library_path: Path) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("M")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark 40 unread stories in “All stories” read?" in app.screen.question
        await pilot.press("n")
        assert not any(Library(library_path).is_read(s.id) for s in many.stories)
        assert len(app.marking.undo_stack) == 0


async def test_m_is_in_the_palette(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=SIZE):
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Mark every story listed read" in commands
        assert commands["Mark every story listed read"].help == "Keys: M"


def cut_short(monkeypatch: pytest.MonkeyPatch, library: Library) -> None:
    """Make every search as you type stop after finding the first story, as a slow one would."""
    first = library.visible()[1].id

    def slow(source: Searchable, query: Query, seconds: float | None = None) -> Found:
        return find(source, query) if seconds is None else Found([first], False)

    monkeypatch.setattr("newsreader.search.index.find", slow)


async def test_a_phrase_search_cut_short_says_so_then_finishes(
    many: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut_short(monkeypatch, many)
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *'"about rain"')
        assert len(app.story_list.rows) == 1
        assert "(1+ of 40, searching…)" in status(app)
        await pilot.pause(0.6)  # typing paused: the whole answer comes
        assert len(app.story_list.rows) == 20
        assert 'matching “"about rain"” (20 of 40)' in status(app)


async def test_a_phrase_search_finished_while_typing_is_not_run_again(
    many: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_phrase_checks(monkeypatch)
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *'"about rain"')
        assert app.listing.view.complete and len(app.story_list.rows) == 20
        read_while_typing = len(checked)
        await pilot.pause(0.6)  # typing paused
        assert len(app.story_list.rows) == 20
        assert 'matching “"about rain"” (20 of 40)' in status(app)
    assert len(checked) == read_while_typing == len(set(checked)) == 20  # each story read once


async def test_enter_finishes_a_search_cut_short(
    many: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut_short(monkeypatch, many)
    app = make_app(many)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *'"about sun"', "enter")
        assert len(app.story_list.rows) == 20
        assert "searching" not in status(app)
