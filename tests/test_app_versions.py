"""Folded versions in the app: badge, shown in place, split, group read, differences."""

from __future__ import annotations

from pathlib import Path

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.reader import DIFF_ADDED, DIFF_REMOVED, DIFF_VERSION, VERSIONS, Reader
from newsreader.ui.widgets.status import StatusLine
from newsreader.ui.widgets.story_list import StoryList


def mint_row(app: NewsReader) -> int:
    rows = app.query_one(StoryList).rows
    return next(n for n, row in enumerate(rows) if row.hidden_versions)


async def test_v_shows_the_other_version_in_place_and_hides_it(seeded: Library) -> None:
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        story_list = app.query_one(StoryList)
        assert len(story_list.rows) == 3
        for _ in range(mint_row(app)):
            await pilot.press("j")
        await pilot.press("v")
        assert len(story_list.rows) == 4
        version = story_list.rows[mint_row(app) + 1]
        assert version.version_of == story_list.rows[mint_row(app)].story.id
        await pilot.press("v")
        assert len(story_list.rows) == 3


async def test_opening_marks_the_whole_group_read(seeded: Library, library_path: Path) -> None:
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(mint_row(app)):
            await pilot.press("j")
        await pilot.press("enter")
        shown = app.query_one(StoryList).current
        assert shown is not None
        on_disk = Library(library_path)
        assert all(on_disk.is_read(v) for v in on_disk.versions(shown.id))


async def test_group_read_can_be_turned_off(seeded: Library, library_path: Path) -> None:
    app = NewsReader(library=seeded, config=Config(mark_group_read=False))
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(mint_row(app)):
            await pilot.press("j")
        await pilot.press("enter")
        shown = app.query_one(StoryList).current
        assert shown is not None
        on_disk = Library(library_path)
        assert [on_disk.is_read(v) for v in on_disk.versions(shown.id)] == [True, False]


async def test_reader_says_who_else_reported_and_what_differs(seeded: Library) -> None:
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(mint_row(app)):
            await pilot.press("j")
        await pilot.press("enter")
        reader = app.query_one(Reader)
        assert reader.text_of(VERSIONS) == ["Also reported by: Mint"]
        [summary] = reader.text_of(DIFF_VERSION)
        # The Mint copy changed two headline words and one sentence of a long story.
        assert summary.startswith("Mint: copy, ")
        assert int(summary.split(", ")[1].split("%")[0]) >= 80
        removed = reader.text_of(DIFF_REMOVED)
        added = reader.text_of(DIFF_ADDED)
        headline = {"− Weighing Using", "+ Exploring Use of"}
        assert headline <= set(removed) | set(added) or {
            "+ Weighing Using",
            "− Exploring Use of",
        } <= set(removed) | set(added)
        changed = removed + added
        assert any("Spokespeople at the White House and Pentagon declined" in s for s in changed)
        assert not any("The US under President Donald Trump" in s for s in changed)


async def test_x_splits_a_version_out_and_it_stays_split(
    seeded: Library, library_path: Path
) -> None:
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(mint_row(app)):
            await pilot.press("j")
        await pilot.press("x")
        assert len(app.query_one(StoryList).rows) == 4
    reopened = Library(library_path)
    assert all(reopened.duplicate_of(s.id) is None for s in reopened.stories)


async def test_a_split_made_with_x_survives_a_later_import(
    seeded: Library, library_path: Path, tmp_path: Path
) -> None:
    from newsreader.bench.corpus import generate
    from newsreader.importer import import_paths
    from tests.conftest import CAPTURED

    before = {s.id for s in seeded.stories}
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(mint_row(app)):
            await pilot.press("j")
        await pilot.press("x")
    outcome = import_paths(Library(library_path), [generate(tmp_path / "more", 30)], CAPTURED)
    assert outcome.report.stories_added >= 30
    reopened = Library(library_path)
    assert all(reopened.duplicate_of(sid) is None for sid in before)


async def test_x_on_a_read_only_library_says_why_and_splits_nothing(
    seeded: Library, library_path: Path
) -> None:
    seeded.marks.read_only = True  # as found at open on a read-only mount
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(mint_row(app)):
            await pilot.press("j")
        rows = len(app.query_one(StoryList).rows)
        await pilot.press("x")
        assert len(app.query_one(StoryList).rows) == rows
        assert app.query_one(StatusLine).line == "library is read-only — split not saved"
    reopened = Library(library_path)
    assert any(reopened.duplicate_of(s.id) is not None for s in reopened.stories)
