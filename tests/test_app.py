"""The app driven with Pilot: keys in, library state on disk asserted."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.story_list import StoryList


def make_app(library: Library) -> NewsReader:
    return NewsReader(library=library, config=Config())


async def test_list_shows_main_with_related_and_hides_one_duplicate(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)):
        rows = app.query_one(StoryList).rows
        assert [r.story.role for r in rows] == ["main", "related", "related"]
        assert rows[0].story.source == "Hindustan Times"
        assert sum(r.hidden_versions for r in rows) == 1


async def test_enter_opens_and_marks_read_on_disk(seeded: Library, library_path: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("enter")
        first = app.query_one(StoryList).rows[0].story.id
        assert Library(library_path).is_read(first)
        assert app.listing.unread == 2


async def test_r_and_s_toggle_and_survive_restart(seeded: Library, library_path: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("j", "s", "r")
        second = app.query_one(StoryList).rows[1].story.id
    reopened = Library(library_path)
    assert reopened.is_starred(second) and reopened.is_read(second)
    app = make_app(reopened)
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.listing.starred == 1
        await pilot.press("j", "s", "r")
    final = Library(library_path)
    assert not final.is_starred(second) and not final.is_read(second)


async def test_movement_keys(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        story_list = app.query_one(StoryList)
        await pilot.press("j", "down")
        assert story_list.cursor == 2
        await pilot.press("j")
        assert story_list.cursor == 2  # stops at the end
        await pilot.press("k", "up", "up")
        assert story_list.cursor == 0


async def test_help_lists_every_action(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        assert app.screen.__class__.__name__ != "HelpScreen"


async def test_q_quits(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("q")
        assert not app.is_running


async def test_preview_follows_the_cursor_once_it_rests(seeded: Library) -> None:
    import asyncio

    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        rows = app.query_one(StoryList).rows
        assert app.reader.story_id == rows[0].story.id  # the first story at once
        await pilot.press("j", "j")
        for _ in range(200):
            if app.reader.story_id == rows[2].story.id:
                break
            await asyncio.sleep(0.02)
        assert app.reader.story_id == rows[2].story.id
        assert not seeded.is_read(rows[2].story.id)  # previewed, not read


async def test_moving_does_not_lay_out_the_reader_on_every_key(
    seeded: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.ui.panes

    monkeypatch.setattr(newsreader.ui.panes, "PREVIEW_AFTER_SECONDS", 60.0)
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        first = app.query_one(StoryList).rows[0].story.id
        await pilot.press("j", "j", "k")
        assert app.reader.story_id == first  # still waiting for the cursor to rest


async def test_story_opened_on_a_narrow_screen_is_wrapped_to_the_screen(seeded: Library) -> None:
    from newsreader.ui.widgets.reader import TITLE

    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        title = [text for kind, text in app.reader.lines if kind == TITLE]
        # The reader was hidden when the story was chosen; it must not stay wrapped for that.
        assert title[0].startswith("How Trump and Putin Reached a New Make-or-Break")


async def test_an_empty_list_says_why(seeded: Library) -> None:
    from newsreader.ui.widgets.story_list import EMPTY_HINT

    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("3")  # starred: none yet
        story_list = app.query_one(StoryList)
        assert len(story_list.rows) == 0
        assert EMPTY_HINT in story_list.render_line(0).text


async def test_what_the_app_holds_is_left_out_of_collections_until_it_ends(seeded: Library) -> None:
    import gc

    app = make_app(seeded)
    async with app.run_test(size=(120, 30)):
        assert gc.get_freeze_count() > 0  # a full collection need not walk the library
    assert gc.get_freeze_count() == 0  # and the next app in this process starts afresh


async def test_a_story_opened_before_the_cursor_rests_is_not_shown_again(
    seeded: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import newsreader.ui.panes

    monkeypatch.setattr(newsreader.ui.panes, "PREVIEW_AFTER_SECONDS", 0.3)
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("j", "k", "enter")
        assert app.reader.story_id == app.story_list.rows[0].story.id
        assert app.reader.max_scroll_y > 2
        app.reader.scroll_to(y=2, animate=False)
        await asyncio.sleep(0.5)  # past the preview's wait
        await pilot.pause()
        assert app.reader.scroll_y == 2  # not shown again from the top
