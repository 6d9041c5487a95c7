"""How newsreader looks: SVG snapshots of the main screens (pytest-textual-snapshot).

The library is the seed dump captured at a fixed time, the app (ages) and the stats screen
get a fixed clock and text inputs do not blink, so every run draws the same picture. After
a deliberate change of looks, regenerate with
`pytest --snapshot-update tests/test_snapshots.py` and look at the SVGs in
tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.stats import StatsScreen

from .conftest import CAPTURED

Snap = Callable[..., bool]
STATS_NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def app_with(library: Library, theme: str = "newsreader-dark") -> NewsReader:
    # The moment the seed was captured: the ages are those the dump says.
    return NewsReader(library=library, config=Config(theme=theme), clock=lambda: CAPTURED)


async def steady(pilot: Pilot[None]) -> None:
    """No blinking cursor anywhere: a blink caught mid-way would change the picture."""
    for screen in pilot.app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("theme", ["newsreader-dark", "newsreader-light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_main_screen(
    snap_compare: Snap, seeded: Library, theme: str, size: tuple[int, int]
) -> None:
    assert snap_compare(app_with(seeded, theme), terminal_size=size, run_before=steady)


def test_reader_open(snap_compare: Snap, seeded: Library) -> None:
    assert snap_compare(app_with(seeded), press=["enter"], run_before=steady)


def test_help(snap_compare: Snap, seeded: Library) -> None:
    assert snap_compare(app_with(seeded), press=["question_mark"], run_before=steady)


def test_stats(snap_compare: Snap, seeded: Library) -> None:
    async def open_stats(pilot: Pilot[None]) -> None:
        await pilot.app.push_screen(StatsScreen(seeded, now=STATS_NOW))
        await steady(pilot)

    assert snap_compare(app_with(seeded), run_before=open_stats)
