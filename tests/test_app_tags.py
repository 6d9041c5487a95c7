"""Tags in the app: + and - with completion, undo, tag: in the search bar, grouping with =."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from newsreader import undo
from newsreader.config import Config
from newsreader.grouping import GroupedRows
from newsreader.library import Library
from newsreader.library.tags import own_tags, tag_source
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.tag_input import TagInput
from newsreader.ui.widgets.status import StatusLine
from tests.app_library import build_library

SIZE = (120, 30)


def make(folder: Path, stories: int = 6) -> tuple[Library, NewsReader]:
    library = build_library(folder, stories=stories)
    return library, NewsReader(library=library, config=Config())


async def test_plus_tags_the_story_under_the_cursor_and_u_takes_it_back(tmp_path: Path) -> None:
    library, app = make(tmp_path / "library")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "plus")
        await pilot.pause()
        assert isinstance(app.screen, TagInput)
        await pilot.press(*"Money", "enter")
        await pilot.pause()
        story = app.story_list.current
        assert story is not None and story.id == library.visible()[1].id
        assert own_tags(library, story.id) == ("money",)
        assert "Tags: money" in app.reader.text_of("reader--byline")
        await pilot.press("u")
        await pilot.pause()
        assert own_tags(library, story.id) == ()
    assert own_tags(Library(library.folder), story.id) == ()


async def test_plus_completes_a_tag_in_use(tmp_path: Path) -> None:
    library, app = make(tmp_path / "library")
    first = library.visible()[0].id
    undo.tag(library, [first], "economy", True, "tagged")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "plus")
        await pilot.pause()
        await pilot.press("e", "c")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field._suggestion == "economy"
        await pilot.press("right", "enter")  # → takes the completion
        await pilot.pause()
        assert own_tags(library, library.visible()[1].id) == ("economy",)


async def test_a_bad_tag_is_refused_in_words_and_nothing_changes(tmp_path: Path) -> None:
    library, app = make(tmp_path / "library")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus", *"two", "space", *"words", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TagInput)
        error = app.screen.query_one("#tag-input-error")
        assert "not a tag" in str(error.render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TagInput)
    assert all(own_tags(library, m.id) == () for m in library.visible())


async def test_minus_removes_a_tag_and_says_when_there_is_none(tmp_path: Path) -> None:
    library, app = make(tmp_path / "library")
    first = library.visible()[0].id
    undo.tag(library, [first], "money", True, "tagged")
    undo.tag(library, [first], "world", True, "tagged")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("minus")
        await pilot.pause()
        assert isinstance(app.screen, TagInput)
        await pilot.press(*"world", "enter")
        await pilot.pause()
        assert own_tags(library, first) == ("money",)
        await pilot.press("j", "minus")
        await pilot.pause()
        assert not isinstance(app.screen, TagInput)
        assert any("no tags of its own" in n.message for n in app._notifications)


async def test_tag_in_the_search_bar_lists_tagged_and_inheriting_stories(tmp_path: Path) -> None:
    library, app = make(tmp_path / "library")
    tag_source(library, "Reuters", ["wire"], True)
    reuters = [m.id for m in library.visible() if m.source == "Reuters"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"tag:wire", "enter")
        await pilot.pause()
        assert [row.story.id for row in app.story_list.rows] == reuters


async def test_equals_groups_by_source_then_tag_then_not_with_unread_counts(
    tmp_path: Path,
) -> None:
    library, app = make(tmp_path / "library")
    undo.tag(library, [library.visible()[0].id], "money", True, "tagged")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("equals_sign")
        await pilot.pause()
        rows = app.story_list.rows
        assert isinstance(rows, GroupedRows)
        headers = [row.header for row in rows if row.header is not None]
        assert headers == [
            "Mint  ·  2 unread of 2",
            "Reuters  ·  2 unread of 2",
            "The Hindu  ·  2 unread of 2",
        ]
        assert app.story_list.current_row is not None
        assert app.story_list.current_row.header is None  # the cursor is on a story
        assert "by source" in app.query_one(StatusLine).line
        await pilot.press("r")  # the first Mint story, read: its group's count follows
        await pilot.pause()
        assert rows[0].header == "Mint  ·  1 unread of 2"
        await pilot.press("g", "j")  # steps over the header between two groups
        await pilot.pause()
        assert app.story_list.cursor == 2
        await pilot.press("j")
        await pilot.pause()
        assert app.story_list.cursor == 4 and rows[3].header is not None
        await pilot.press("k")
        await pilot.pause()
        assert app.story_list.cursor == 2
        await pilot.press("equals_sign")
        await pilot.pause()
        rows = app.story_list.rows
        headers = [row.header for row in rows if row.header is not None]
        assert headers == ["money  ·  0 unread of 1", "untagged  ·  5 unread of 5"]
        await pilot.press("v")  # versions show in place only in a list not grouped
        await pilot.pause()
        assert any("not grouped" in n.message for n in app._notifications)
        await pilot.press("equals_sign")
        await pilot.pause()
        assert not isinstance(app.story_list.rows, GroupedRows)
        assert len(app.story_list.rows) == 6


async def test_export_of_a_grouped_list_writes_each_story_once(
    tmp_path: Path, monkeypatch: object
) -> None:
    _, app = make(tmp_path / "library")
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("equals_sign", "e")
        await pilot.pause()
    exported = next(tmp_path.glob("newsreader-export-*.md")).read_text(encoding="utf-8")
    assert exported.count("## Story ") == 6
