"""Where am I: which pane has the keys, Enter into the story, the split, the status line."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from newsreader.config import Config, load_config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.status import fit_status
from tests.app_library import build_library, make_app

WIDE = (120, 34)
NARROW = (80, 24)


@pytest.fixture
def long_stories(library_path: Path) -> Library:
    """Twelve stories of several screens each."""
    return build_library(library_path, stories=12, paragraphs=30)


def status(app: object) -> str:
    return str(app.query_one("#status", Static).content)  # type: ignore[attr-defined]


def footer_labels(app: object) -> list[str]:
    footer = app.query_one(Footer)  # type: ignore[attr-defined]
    return [str(key.description) for key in footer.query(FooterKey)]


async def test_enter_side_by_side_goes_into_the_story_and_esc_comes_back(
    long_stories: Library,
) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j")
        await pilot.pause(0.3)
        assert app.reader.story_id == app.story_list.rows[1].story.id  # the preview stays
        assert app.focused is app.story_list
        await pilot.press("enter")
        assert app.focused is app.reader
        await pilot.press("j", "j")
        assert app.reader.scroll_y == 2 and app.story_list.cursor == 1  # j scrolls the story
        await pilot.press("escape")
        assert app.focused is app.story_list
        await pilot.press("j")
        assert app.story_list.cursor == 2


async def test_the_reader_edge_shows_which_pane_has_the_keys(long_stories: Library) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=WIDE) as pilot:
        edge = app.reader.styles.border_left
        await pilot.press("tab")
        assert app.reader.styles.border_left != edge
        assert app.reader.styles.border_left[0] == "heavy"
        await pilot.press("tab")
        assert app.reader.styles.border_left == edge


async def test_the_list_is_wider_than_the_reader_and_resizes_with_angle_brackets(
    long_stories: Library, tmp_path: Path
) -> None:
    settings = tmp_path / "config.toml"
    app = NewsReader(long_stories, Config(), settings)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.story_list.size.width > app.reader.size.width
        before = app.story_list.size.width
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert app.story_list.size.width == before + 6  # 5 % of 120 columns
        assert load_config(settings).list_width == 65
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        assert app.story_list.size.width < before
        assert load_config(settings).list_width == 55


async def test_sources_are_shortened_before_titles_at_120_columns(
    seeded: Library,
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        row = app.story_list.render_line(0).text
        assert row.index("Hindustan") - row.index("How Trump") >= 45  # a fixed half gave 33


async def test_the_status_line_keeps_its_counts_at_80_columns(long_stories: Library) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("slash", *"story about rain -source:bloomberg -source:reuters")
        line = status(app)
        assert line.endswith("12 unread  ·  0 starred")
        assert "(4 of 12)" in line
        assert len(line) <= 78


def test_fit_status_cuts_the_title_not_the_counts() -> None:
    line = "Unread matching “a very long query indeed” (12 of 340)  ·  40 unread  ·  1 starred"
    assert fit_status(line, 200) == line
    assert fit_status(line, 60) == "Unread matching “a … (12 of 340)  ·  40 unread  ·  1 starred"


async def test_the_reader_at_80_columns_offers_no_open(long_stories: Library) -> None:
    app = make_app(long_stories)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert "Open" in footer_labels(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is app.reader
        assert "Open" not in footer_labels(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "Open" in footer_labels(app)
