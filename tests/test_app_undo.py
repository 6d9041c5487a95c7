"""u and ctrl+z take back read, star, split and bulk changes, several steps back, on disk."""

from __future__ import annotations

from pathlib import Path

from newsreader.library import Library
from newsreader.ui.widgets.story_list import StoryList
from tests.app_library import build_library, make_app

SIZE = (80, 24)


def mint_row(rows: list[object]) -> int:
    return next(n for n, row in enumerate(rows) if row.hidden_versions)  # type: ignore[attr-defined]


async def test_u_undoes_toggle_read(seeded: Library, library_path: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        first = app.story_list.rows[0].story.id
        await pilot.press("r")
        assert Library(library_path).is_read(first)
        await pilot.press("u")
        assert not Library(library_path).is_read(first)
        assert app.listing.unread == 3


async def test_ctrl_z_undoes_a_star(seeded: Library, library_path: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "s")
        second = app.story_list.rows[1].story.id
        assert Library(library_path).is_starred(second)
        await pilot.press("ctrl+z")
        assert not Library(library_path).is_starred(second)
        assert app.listing.starred == 0


async def test_undo_of_open_makes_the_group_unread_again(
    seeded: Library, library_path: Path
) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(mint_row(app.story_list.rows)):
            await pilot.press("j")
        await pilot.press("enter", "escape", "u")
        shown = app.story_list.current
        assert shown is not None
        on_disk = Library(library_path)
        assert not any(on_disk.is_read(v) for v in on_disk.versions(shown.id))


async def test_u_undoes_a_split(seeded: Library, library_path: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(mint_row(app.story_list.rows)):
            await pilot.press("j")
        await pilot.press("x")
        assert len(app.query_one(StoryList).rows) == 4
        await pilot.press("u")
        assert len(app.query_one(StoryList).rows) == 3
    reopened = Library(library_path)
    assert sum(reopened.duplicate_of(s.id) is not None for s in reopened.stories) == 1


async def test_several_steps_back_newest_first(seeded: Library, library_path: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        ids = [row.story.id for row in app.story_list.rows]
        await pilot.press("r", "j", "s", "j", "r")
        await pilot.press("u")
        assert not Library(library_path).is_read(ids[2])
        assert Library(library_path).is_starred(ids[1])
        await pilot.press("u")
        assert not Library(library_path).is_starred(ids[1])
        assert Library(library_path).is_read(ids[0])
        await pilot.press("u")
        assert not Library(library_path).is_read(ids[0])
        await pilot.press("u")  # nothing left: says so, changes nothing
        assert app.is_running and app.listing.unread == 3


async def test_u_undoes_a_bulk_mark_read(tmp_path: Path) -> None:
    library = build_library(tmp_path / "many")
    before = {s.id for s in library.visible()[:3]}
    library.set_read(sorted(before), True)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("M", "y")
        assert all(library.is_read(s.id) for s in library.visible())
        await pilot.press("u")
        on_disk = Library(tmp_path / "many")
        assert {s.id for s in on_disk.visible() if on_disk.is_read(s.id)} == before
        assert app.listing.unread == 37
