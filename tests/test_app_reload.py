"""Another process imports while the app runs: the keys go on, on the rows shown, and the new
stories are listed once read, with the highlighted story and the marks made meanwhile kept."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.pilot import Pilot

from newsreader.library import Library
from newsreader.ui.app import NewsReader
from tests.app_library import build_library, make_app
from tests.test_library_versions import late_dump

SIZE = (120, 30)
IMPORTS = 6


def import_elsewhere(folder: Path) -> threading.Thread:
    """Another Library on the folder commits one import after another, on a thread."""

    def run() -> None:
        other = Library(folder)
        try:
            for number in range(IMPORTS):
                other.import_dumps([late_dump(number)])
        finally:
            other.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


async def all_read(app: NewsReader, pilot: Pilot[None]) -> None:
    """Look for changes until the app lists the catalog on disk."""
    for _ in range(50):
        app.look_for_changes()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.background.reading and not app.library.catalog.changed_on_disk():
            return
    raise AssertionError("the import was never listed")


async def test_keys_pressed_during_imports_act_and_are_kept_once_the_stories_are_listed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "library"
    library = build_library(folder, 30)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        starred: list[str] = []
        importing = import_elsewhere(folder)
        while importing.is_alive() or len(starred) < 4:
            app.look_for_changes()  # the half-second look, as often as keys come here
            await pilot.press("j")
            current = app.story_list.current
            assert current is not None
            if current.id not in starred:
                await pilot.press("s")
                starred.append(current.id)
            await pilot.press("j")
        importing.join()
        highlighted = app.story_list.current
        assert highlighted is not None
        await all_read(app, pilot)
        titles = [row.story.title for row in app.story_list.rows]
        assert titles[:IMPORTS] == [f"Late story {n}" for n in reversed(range(IMPORTS))]
        assert len(titles) == 30 + IMPORTS
        current = app.story_list.current
        assert current is not None and current.id == highlighted.id
        assert all(app.library.is_starred(story) for story in starred)
        assert app.mark_writer is not None and app.mark_writer.drain(timeout=30)
    again = Library(folder)
    assert all(again.is_starred(story) for story in starred)
    assert len(again.visible()) == 30 + IMPORTS


async def test_a_catalog_read_as_the_app_looks_is_listed_with_the_cursor_kept(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "library"
    library = build_library(folder, 10)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        highlighted = app.story_list.current
        assert highlighted is not None
        Library(folder).import_dumps([late_dump(1)])
        app.look_for_changes()
        assert app.background.reading  # on a thread: the list shows what it had meanwhile
        assert len(app.story_list.rows) == 10
        await pilot.press("j", "k")
        await all_read(app, pilot)
        assert app.story_list.rows[0].story.title == "Late story 1"
        current = app.story_list.current
        assert current is not None and current.id == highlighted.id
