"""One table of actions: help and palette list them all, [keys] rebinds them; themes; NO_COLOR."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.filter import Monochrome
from textual.widgets import Static

from newsreader.actions import ACTIONS
from newsreader.config import Config, load_config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.widgets.story_list import StoryList
from tests.app_library import make_app

SIZE = (80, 24)
# The window around a screenshot: its three buttons, its default text and background.
SVG_FRAME = {"ff5f57", "febc2e", "28c840", "c5c8c6", "292929"}


def help_text(app: NewsReader) -> str:
    return str(app.screen.query_one("#help Static", Static).content)


async def test_help_lists_every_action_with_its_keys(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app)
        for action in ACTIONS:
            assert action.description in text
        assert re.search(r"u / \^z\s+Undo", text)
        assert re.search(r"/\s+Search", text)


async def test_the_palette_lists_every_action(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {action.description for action in ACTIONS} <= titles


async def test_a_rebound_key_works_and_help_shows_it(seeded: Library, library_path: Path) -> None:
    app = make_app(seeded, keys={"toggle_star": "f", "undo": "U"})
    async with app.run_test(size=SIZE) as pilot:
        first = app.story_list.rows[0].story.id
        await pilot.press("s")
        assert not Library(library_path).is_starred(first)  # s is no longer bound
        await pilot.press("f")
        assert Library(library_path).is_starred(first)
        await pilot.press("U")
        assert not Library(library_path).is_starred(first)
        await pilot.press("question_mark")
        text = help_text(app)
        assert re.search(r"\bf\s+Toggle star", text)
        assert re.search(r"\bU\s+Undo", text)


async def test_t_cycles_the_newsreader_themes_and_saves_the_choice(
    seeded: Library, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    app = NewsReader(library=seeded, config=Config(), config_path=path)
    async with app.run_test(size=SIZE) as pilot:
        seen = [app.theme]
        for _ in range(4):
            await pilot.press("t")
            seen.append(app.theme)
        assert seen == [
            "newsreader-dark",
            "newsreader-light",
            "newsreader-high-contrast",
            "newsreader-ansi",
            "newsreader-dark",
        ]
        await pilot.press("t")
    assert load_config(path).theme == "newsreader-light"


async def test_the_palette_theme_picker_switches_theme(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        app.action_change_theme()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"newsreader-high")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "newsreader-high-contrast"


async def test_no_color_sends_no_colour_at_all_and_the_cursor_reversed(
    seeded: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(seeded)  # Textual reads NO_COLOR when the app is made
    app.config_path = tmp_path / "config.toml"
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        assert not any(isinstance(f, Monochrome) for f in app.get_line_filters())
        cursor = app.query_one(StoryList).get_component_rich_style("story-list--cursor")
        assert cursor.reverse
        await pilot.press("j", "enter", "escape", "slash", *"trump", "enter")
        await pilot.pause()
        for widget in (app.story_list, app.reader):
            for y in range(widget.size.height):
                segments = list(widget.render_line(y))
                for f in app.get_line_filters():
                    segments = f.apply(segments, app.styles.background)
                for segment in segments:
                    assert segment.style is None or not (
                        segment.style.color or segment.style.bgcolor
                    ), segment
        theme = app.theme
        await pilot.press("t")  # no colours: no theme to choose, none saved
        assert app.theme == theme
        assert not app.config_path.exists()


async def test_e_exports_the_listed_stories_as_markdown(
    seeded: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("e")
        await pilot.pause()
    [exported] = list(tmp_path.glob("newsreader-export-*.md"))
    text = exported.read_text(encoding="utf-8")
    assert text.count("\n## ") + text.startswith("## ") == 3  # the three stories listed
    assert "## How Trump and Putin Reached a New Make-or-Break Moment on Ukraine" in text
