"""The stats screen, driven with Pilot: opened by key and palette, numbers from the library."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Sparkline, Static

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.stats import SourceBars, StatsScreen

AFTER_CAPTURE = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def make_app(library: Library) -> NewsReader:
    return NewsReader(library=library, config=Config())


async def test_i_opens_stats_and_escape_closes(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_q_closes_stats_without_quitting(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", "q")
        assert not isinstance(app.screen, StatsScreen)
        assert app.is_running


async def test_palette_lists_stats(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Library statistics" in titles


async def test_stats_show_the_library_numbers(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")  # the first story read
        await app.push_screen(StatsScreen(seeded, now=AFTER_CAPTURE))
        await pilot.pause()
        screen = app.screen
        assert list(screen.query_one(Sparkline).data or [])[-2:] == [3, 0]
        bars = screen.query_one(SourceBars)
        assert dict(bars.sources) == {"Hindustan Times": 1, "Mint": 1, "Time of India": 1}
        totals = str(screen.query_one("#stats-totals", Static).content)
        assert "2 unread" in totals and "0 starred" in totals
        assert "4 stories in 1 dump" in totals and "1 hidden duplicate" in totals
        lines = bars.render().plain.splitlines()
        assert len(lines) == 3 and all(len(line) == bars.size.width for line in lines)
