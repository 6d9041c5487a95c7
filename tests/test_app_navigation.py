"""Moving through the list and the reader by keyboard and mouse, wide and at 80×24."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.library import Library
from tests.app_library import build_library, make_app

NARROW = (80, 24)
WIDE = (120, 30)


@pytest.fixture
def many(library_path: Path) -> Library:
    """Forty short stories, 'Story 00' first."""
    return build_library(library_path)


def titles(app: object) -> list[str]:
    return [row.story.title for row in app.story_list.rows]  # type: ignore[attr-defined]


async def test_g_and_G_go_to_the_first_and_last_story(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("G")
        assert app.story_list.cursor == 39
        await pilot.press("g")
        assert app.story_list.cursor == 0
        await pilot.press("end")
        assert app.story_list.cursor == 39
        await pilot.press("home")
        assert app.story_list.cursor == 0


async def test_page_down_and_up_move_by_a_screenful(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("pagedown")
        step = app.story_list.cursor
        assert step >= 15  # a 24-line terminal shows about 20 rows
        await pilot.press("pagedown", "pagedown")
        assert app.story_list.cursor == 39
        top = app.story_list.scroll_offset.y
        assert top <= 39 < top + app.story_list.scrollable_content_region.height  # on screen
        await pilot.press("pageup")
        assert app.story_list.cursor == 39 - step


async def test_arrows_move_the_cursor_in_a_list_that_scrolls(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press(*["down"] * 25)
        assert app.story_list.cursor == 25
        await pilot.press("up", "k")
        assert app.story_list.cursor == 23


async def test_n_and_p_go_to_the_next_and_previous_unread(many: Library) -> None:
    ids = [s.id for s in many.visible()]
    many.set_read(ids[1:5], True)
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("n")
        assert app.story_list.cursor == 5
        await pilot.press("p")
        assert app.story_list.cursor == 0
        await pilot.press("p")  # round the start to the last unread
        assert app.story_list.cursor == 39
        assert not many.is_read(ids[5])  # moving is not reading


async def test_n_in_the_reader_opens_the_next_unread(many: Library, library_path: Path) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("enter")
        assert app.focused is app.reader
        await pilot.press("n")
        second = app.story_list.rows[1].story.id
        assert app.reader.story_id == second
        assert app.focused is app.reader
        await pilot.pause()  # read once its end has been drawn: a short story, at once
        assert Library(library_path).is_read(second)


async def test_enter_opens_and_esc_goes_back_at_80_columns(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("j", "enter")
        assert app.focused is app.reader
        assert not app.story_list.display or app.story_list.has_class("away")
        assert app.reader.story_id == app.story_list.rows[1].story.id
        await pilot.press("escape")
        assert app.focused is app.story_list
        assert app.reader.has_class("away")
        assert app.story_list.cursor == 1


async def test_tab_switches_panes_side_by_side(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("tab")
        assert app.focused is app.reader
        await pilot.press("tab")
        assert app.focused is app.story_list


async def test_tab_switches_panes_one_at_a_time_at_80_columns(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("enter", "tab")
        assert app.focused is app.story_list
        assert app.reader.has_class("away") and not app.story_list.has_class("away")
        await pilot.press("tab")
        assert app.focused is app.reader
        assert app.story_list.has_class("away")


async def test_space_pages_the_reader_then_opens_the_next_unread(
    seeded: Library, library_path: Path
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("space")  # the list is on screen: Space opens the story
        first = app.story_list.rows[0].story.id
        assert app.reader.story_id == first and app.focused is app.reader
        await pilot.pause()
        assert app.reader.max_scroll_y > 0  # the seed story is longer than a screen
        await pilot.press("space")
        assert app.reader.scroll_y > 0
        for _ in range(40):
            if app.reader.story_id != first:
                break
            await pilot.press("space")
            await pilot.pause()
        second = app.story_list.rows[1].story.id
        assert app.reader.story_id == second
        assert app.story_list.cursor == 1
        on_disk = Library(library_path)
        assert on_disk.is_read(first) and on_disk.is_read(second)


async def test_space_at_the_end_of_a_previewed_story_marks_it_read(
    many: Library, library_path: Path
) -> None:
    app = make_app(many)
    async with app.run_test(size=WIDE) as pilot:
        first = app.story_list.rows[0].story.id
        assert app.reader.story_id == first  # side by side: previewed, not read
        assert not many.is_read(first)
        await pilot.pause()  # Space acts on what is on screen: the preview, once drawn
        await pilot.press("space")  # a short story: already at its end
        on_disk = Library(library_path)
        assert on_disk.is_read(first)
        assert app.reader.story_id == app.story_list.rows[1].story.id
        await pilot.pause()  # the next one is read once its end has been drawn
        assert on_disk.is_read(app.story_list.rows[1].story.id)


async def test_space_with_nothing_left_unread_stays(many: Library) -> None:
    many.set_read([s.id for s in many.visible()][1:], True)
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("space", "space")
        assert app.reader.story_id == app.story_list.rows[0].story.id
        assert app.focused is app.reader


async def test_click_selects_and_a_second_click_opens(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.click("#stories", offset=(10, 3))
        assert app.story_list.cursor == 3
        third = app.story_list.rows[3].story.id
        assert not many.is_read(third)
        await pilot.click("#stories", offset=(10, 3))
        assert many.is_read(third)
        assert app.reader.story_id == third


async def test_y_copies_title_source_and_text(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("y")
        copied = app.clipboard
        story = seeded.story(app.story_list.rows[0].story.id)
        assert copied.startswith(story.title)
        assert story.source in copied
        assert story.paragraphs[0] in copied and story.paragraphs[-1] in copied


async def test_j_k_g_scroll_the_reader_when_it_has_focus(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("j", "j", "j")
        assert app.reader.scroll_y == 3
        await pilot.press("G")
        assert app.reader.scroll_y == app.reader.max_scroll_y > 3
        await pilot.press("g")
        assert app.reader.scroll_y == 0
        assert app.story_list.cursor == 0  # the list did not move
