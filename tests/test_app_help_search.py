"""Help and palette that read like the footer, and searches that leave nothing stale behind."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from newsreader.actions import ACTIONS
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.help import HelpScreen
from tests.app_library import make_app


def status(app: NewsReader) -> str:
    return str(app.query_one("#status", Static).content)


async def test_the_palette_lists_each_command_once_with_keys_as_help_shows_them(
    seeded: Library,
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen_stack[0]))
        titles = [command.title for command in commands]
        assert len(titles) == len(set(titles))
        helps = {command.title: command.help for command in commands}
        assert helps["Help"] == "Keys: ?"
        assert helps["Search"] == "Keys: /"
        assert helps["Next story"] == "Keys: j / ↓"
        assert not any("_" in helps[action.description] for action in ACTIONS)


async def test_help_scrolls_with_j_k_g_G_and_says_how_to_close_above_the_fold(
    seeded: Library,
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        pane = app.screen.query_one("#help", VerticalScroll)
        assert pane.max_scroll_y > 0  # longer than the screen at 120×34
        text = str(app.screen.query_one("#help Static", Static).content)
        assert text.index("Esc closes") < text.index("Next story")  # read before any scrolling
        await pilot.press("j", "j")
        assert pane.scroll_y == 2
        await pilot.press("k")
        assert pane.scroll_y == 1
        await pilot.press("G")
        assert pane.scroll_y == pane.max_scroll_y
        await pilot.press("g")
        assert pane.scroll_y == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_an_empty_search_result_clears_the_reader(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        assert app.reader.story_id is not None
        await pilot.press("slash", *"zzzzqx")
        await pilot.pause()
        assert len(app.story_list.rows) == 0
        assert app.reader.story_id is None


async def test_the_status_line_does_not_match_source_while_source_colon_is_typed(
    seeded: Library,
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.press("slash", *"source:")
        assert "“source”" not in status(app)
        assert "All stories (3)" in status(app)
        await pilot.press(*"mint")
        assert "matching “source:mint” (1 of 3)" in status(app)


async def test_filtered_results_hang_no_story_from_a_hidden_one(seeded: Library) -> None:
    main = seeded.visible()[0].id
    seeded.set_read([main], True)
    seeded.mark_group_read = False
    app = make_app(seeded)
    async with app.run_test(size=(120, 34)) as pilot:
        assert app.story_list.rows[1].depth == 1  # under its main, shown
        await pilot.press("2")  # unread only: the main is hidden
        rows = app.story_list.rows
        assert [row.story.role for row in rows] == ["related", "related"]
        assert [row.depth for row in rows] == [0, 0]
        assert "└" not in app.story_list.render_line(0).text
