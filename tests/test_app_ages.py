"""Ages in the app are those of the moment they are drawn, and are drawn again as time goes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from newsreader import when
from newsreader.config import Config
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.reader import BYLINE

from .conftest import CAPTURED
from .test_cli_time import UNDATED_PAGE


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def row_text(app: NewsReader, number: int) -> str:
    lists = app.story_list
    return lists.render_line(number - lists.scroll_offset.y).text


async def test_list_ages_follow_the_clock_and_are_redrawn_every_so_often(
    seeded: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(when, "AGE_REFRESH_SECONDS", 0.05)
    clock = Clock(CAPTURED)
    app = NewsReader(library=seeded, config=Config(), clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        rows = [row_text(app, n) for n in range(3)]
        assert [row.rstrip().rsplit(" ", 1)[-1] for row in rows] == ["10h", "3m", "3m"]
        assert "3m" in app.export_screenshot() and "23m" not in app.export_screenshot()
        clock.now = CAPTURED + timedelta(minutes=20)
        await pilot.pause(0.3)  # a few refreshes of the ages
        assert "23m" in app.export_screenshot()
        assert row_text(app, 1).rstrip().endswith(" 23m")


async def test_the_reader_header_is_source_age_and_date_and_ages_too(
    seeded: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(when, "AGE_REFRESH_SECONDS", 0.05)
    clock = Clock(CAPTURED + timedelta(minutes=20))
    app = NewsReader(library=seeded, config=Config(), clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("j", "enter")
        assert app.reader.text_of(BYLINE) == ["Time of India · 23 minutes ago · 20 Nov 2026, 11:57"]
        clock.now += timedelta(hours=1)
        await pilot.pause(0.3)
        assert app.reader.text_of(BYLINE) == ["Time of India · 1 hour ago · 20 Nov 2026, 11:57"]
        drawn = [text for kind, text in app.reader.lines if kind == BYLINE]
        assert drawn[0].startswith("Time of India · 1 hour ago")


@pytest.fixture
def with_undated(tmp_path: Path, seeded: Library) -> Library:
    page = tmp_path / "harbour.html"
    page.write_text(UNDATED_PAGE)
    # Saved the day before the seed's stories: an undated story goes by that, not to the top.
    import_paths(seeded, [page], datetime.fromisoformat("2026-11-19T05:00:00+00:00"))
    return seeded


async def test_an_undated_story_is_marked_and_sorted_by_capture_time(
    with_undated: Library,
) -> None:
    app = NewsReader(library=with_undated, config=Config(), clock=Clock(CAPTURED))
    async with app.run_test(size=(120, 30)) as pilot:
        assert len(app.story_list.rows) == 4
        last = row_text(app, 3)
        assert "Harbour wall to be rebuilt" in last and last.rstrip().endswith(" —")
        await pilot.press("G", "enter")
        assert app.reader.text_of(BYLINE) == ["undated"]
