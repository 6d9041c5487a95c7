"""The list keeps each row as drawn and draws it again only when what it shows changed:
a mark, the theme, the width."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style

from newsreader.library import Library
from newsreader.ui.app import NewsReader
from tests.app_library import build_library, make_app

WIDE = (120, 30)
NARROW = (80, 24)


@pytest.fixture
def many(library_path: Path) -> Library:
    """Forty short stories, 'Story 00' first."""
    return build_library(library_path)


def row_text(app: NewsReader, number: int) -> str:
    """Row `number` of the list as it is drawn now (it must be on screen)."""
    story_list = app.story_list
    return story_list.render_line(number - story_list.scroll_offset.y).text


def row_style(app: NewsReader, number: int) -> Style | None:
    """The style of the first cell of row `number` as drawn now."""
    story_list = app.story_list
    return next(iter(story_list.render_line(number - story_list.scroll_offset.y))).style


async def test_a_row_drawn_again_unchanged_is_the_row_kept(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        story_list = app.story_list
        assert story_list.render_line(3) is story_list.render_line(3)


async def test_a_row_marked_read_loses_its_dot_and_keeps_it_lost_off_screen(
    many: Library,
) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("j", "j")
        assert row_text(app, 2)[1] == "•"
        await pilot.press("r")
        assert many.is_read(app.story_list.rows[2].story.id)
        assert row_text(app, 2)[1] == " "
        await pilot.press("G", "g")  # scrolled out of sight and back
        assert row_text(app, 2)[1] == " "
        assert row_text(app, 1)[1] == "•"


async def test_a_starred_row_shows_its_star(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("s")
        assert row_text(app, 0)[2] == "★"
        await pilot.press("s")
        assert row_text(app, 0)[2] == " "


async def test_another_theme_draws_the_rows_in_its_colours(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        before = row_style(app, 5)
        app.theme = "newsreader-light"
        await pilot.pause()
        assert row_style(app, 5) != before


async def test_rows_are_drawn_to_the_new_width_after_a_resize(many: Library) -> None:
    app = make_app(many)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        wide = app.story_list.scrollable_content_region.width
        assert len(row_text(app, 4)) == wide
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        narrow = app.story_list.scrollable_content_region.width
        assert narrow != wide and len(row_text(app, 4)) == narrow
