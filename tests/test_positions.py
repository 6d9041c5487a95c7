"""Reading position: a long story reopens where it was left; nothing else moves the reader."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pytest

from newsreader.config import Config, load_config, save_config
from newsreader.library import Library
from newsreader.library.positions import keep_place, place_of
from newsreader.models import ParsedDump, ParsedStory
from newsreader.ui import app as app_module
from newsreader.ui.app import NewsReader
from tests.app_library import build_library

WIDE, NARROW = (120, 30), (80, 24)


def long_library(folder: Path, stories: int = 4) -> Library:
    return build_library(folder, stories=stories, paragraphs=40)


async def scroll_reader(pilot: object, lines: int) -> None:
    for _ in range(lines):
        await pilot.press("j")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_a_long_story_reopens_where_it_was_left(tmp_path: Path) -> None:
    library = long_library(tmp_path / "library")
    app = NewsReader(library=library, config=Config())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await scroll_reader(pilot, 12)
        first = app.reader.story_id
        assert app.reader.scroll_offset.y == 12
        await pilot.press("escape", "j", "enter")
        await pilot.pause()
        assert app.reader.story_id != first and app.reader.scroll_offset.y == 0
        await pilot.press("escape", "k", "enter")
        await pilot.pause()
        await pilot.pause()
        assert app.reader.story_id == first
        assert app.reader.scroll_offset.y == 12
        lines = len(app.reader.lines)
    assert first is not None
    assert place_of(library, first) == (12, lines)


async def test_the_place_survives_quitting_and_is_in_the_marks_log(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    library = long_library(folder)
    app = NewsReader(library=library, config=Config())
    async with app.run_test(size=NARROW) as pilot:  # one pane at a time: the reader hidden first
        await pilot.press("enter")
        await pilot.pause()
        await scroll_reader(pilot, 7)
        story = app.reader.story_id
        await pilot.press("q")
    log = [orjson.loads(line) for line in (folder / "marks.log").read_bytes().splitlines()]
    assert any(r["id"] == story and r["f"] == "position" and r["v"][0] == 7 for r in log)
    again = NewsReader(library=Library(folder), config=Config())
    async with again.run_test(size=NARROW) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert again.reader.story_id == story
        assert again.reader.scroll_offset.y == 7


async def test_a_story_scrolled_back_to_its_top_opens_at_its_top(tmp_path: Path) -> None:
    library = long_library(tmp_path / "library")
    story = library.visible()[0].id
    keep_place(library, story, (9, 200))
    app = NewsReader(library=library, config=Config())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.reader.scroll_offset.y > 0
        await pilot.press("g", "escape", "j", "k", "enter")
        await pilot.pause()
        await pilot.pause()
        assert app.reader.scroll_offset.y == 0
    assert place_of(library, story) is None


async def test_the_place_is_saved_now_and_then_while_the_reader_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "KEEP_PLACE_SECONDS", 0.05)
    folder = tmp_path / "library"
    library = long_library(folder)
    app = NewsReader(library=library, config=Config())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await scroll_reader(pilot, 9)
        story = app.reader.story_id
        assert story is not None
        await pilot.pause(0.3)
        assert app.mark_writer is not None and app.mark_writer.drain(5)
        # On disk while the story is still open: a crash now would keep it.
        place = place_of(Library(folder), story)
        assert place is not None and place[0] == 9


def test_an_unscrolled_story_writes_nothing(tmp_path: Path) -> None:
    library = long_library(tmp_path / "library", stories=1)
    story = library.visible()[0].id
    assert keep_place(library, story, (0, 120)) is False
    assert keep_place(library, story, (5, 120)) is True
    assert keep_place(library, story, (5, 120)) is False  # unchanged: no line written


async def test_another_process_s_marks_and_an_import_leave_the_reader_where_it_is(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "library"
    library = long_library(folder)
    app = NewsReader(library=library, config=Config())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await scroll_reader(pilot, 15)
        story = app.reader.story_id
        other = Library(folder)
        other.set_read([other.visible()[2].id], True)
        app.look_for_changes()
        await pilot.pause()
        await pilot.pause()
        assert app.reader.story_id == story and app.reader.scroll_offset.y == 15
        digest = hashlib.blake2b(b"late", digest_size=8).hexdigest()
        late = ParsedStory(title="A late story", source="Mint", age="1 minute ago",
                           paragraphs=("Something new happened somewhere today.",))  # fmt: skip
        other.import_dumps([ParsedDump("late.txt", (late,), "2026-11-21T00:00:00Z", digest)])
        app.look_for_changes()
        await app.workers.wait_for_complete()  # the import is read on a thread
        await pilot.pause()
        await pilot.pause()
        assert any(row.story.title == "A late story" for row in app.story_list.rows)
        assert app.reader.story_id == story and app.reader.scroll_offset.y == 15


async def test_mark_read_on_end_reads_a_story_only_once_its_end_was_shown(
    tmp_path: Path,
) -> None:
    library = long_library(tmp_path / "library")
    app = NewsReader(library=library, config=Config(mark_read_on="end"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        story = app.reader.story_id
        assert story is not None
        assert not library.is_read(story)
        await scroll_reader(pilot, 5)
        assert not library.is_read(story)
        await pilot.press("G")
        await pilot.pause()
        await pilot.pause()
        assert library.is_read(story)


async def test_mark_read_on_open_still_reads_at_once(tmp_path: Path) -> None:
    library = long_library(tmp_path / "library")
    app = NewsReader(library=library, config=Config())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.reader.story_id is not None and library.is_read(app.reader.story_id)


def test_mark_read_on_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(Config(mark_read_on="end", theme="newsreader-light"), path)
    assert load_config(path).mark_read_on == "end"
    path.write_text('mark_read_on = "end"\n', encoding="utf-8")
    assert load_config(path).mark_read_on == "end"
    path.write_text('mark_read_on = "later"\n', encoding="utf-8")
    try:
        load_config(path)
    except Exception as error:
        assert str(path) in str(error) and '"open" or "end"' in str(error)
    else:
        raise AssertionError("a bad mark_read_on was taken")
