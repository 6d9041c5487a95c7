"""The app on a full disk, a read-only library and a slow disk: it stays up and says why."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

from textual.widgets import Static

from newsreader.library import Library
from newsreader.ui.app import NewsReader
from tests.app_library import build_library, make_app
from tests.faults import InjectedFsync, injected, remount, small_disk

__all__ = ["injected"]
SIZE = (100, 24)


def status(app: NewsReader) -> str:
    return str(app.query_one("#status", Static).content)


def on_disk(folder: Path, story: str, field: str) -> bool:
    """The mark as a fresh process would read it from disk."""
    fresh = Library(folder)
    try:
        return fresh.is_read(story) if field == "read" else fresh.is_starred(story)
    finally:
        fresh.close()


async def settled(app: NewsReader, pilot: object) -> None:
    """Wait until the writer has finished and the app has taken in what it reported."""
    assert app.mark_writer is not None
    assert app.mark_writer.drain(timeout=30)
    await app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]


async def test_a_full_disk_keeps_the_row_as_it_was_says_why_and_the_next_try_works(
    tmp_path: Path, injected: InjectedFsync
) -> None:
    library = build_library(tmp_path / "library", 5)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        story = app.story_list.current
        assert story is not None
        injected.fail(errno.ENOSPC)
        await pilot.press("s")
        await settled(app, pilot)
        assert not app.library.is_starred(story.id)
        assert status(app) == "disk full — mark not saved"
        assert len(app.marking.undo_stack) == 0  # nothing was done, so there is nothing to undo
        assert app.is_running
        await pilot.press("j", "k")  # reading and moving go on
        assert app.story_list.current is not None
        assert app.story_list.current.id == story.id
        injected.heal()
        await pilot.press("s")
        await settled(app, pilot)
        assert app.library.is_starred(story.id)
        assert "mark not saved" not in status(app)
    assert on_disk(library.folder, story.id, "starred")


async def test_a_read_mark_that_fails_is_taken_back_with_the_counts(
    tmp_path: Path, injected: InjectedFsync
) -> None:
    library = build_library(tmp_path / "library", 5)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        unread = app.listing.unread
        story = app.story_list.current
        assert story is not None
        injected.fail(errno.EIO)
        await pilot.press("r")
        await settled(app, pilot)
        assert not app.library.is_read(story.id)
        assert app.listing.unread == unread
        assert status(app) == "input/output error (the disk failed) — mark not saved"
    assert not on_disk(library.folder, story.id, "read")


async def test_a_slow_disk_shows_the_mark_at_once_and_saves_it_later(
    tmp_path: Path, injected: InjectedFsync
) -> None:
    library = build_library(tmp_path / "library", 5)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        story = app.story_list.current
        assert story is not None and app.mark_writer is not None
        injected.hang()  # fsync does not return until released
        await pilot.press("s", "j", "r")
        # Both keys acted and the cursor moved on while the first write still hangs.
        assert app.library.is_starred(story.id)
        second = app.story_list.current
        assert second is not None and second.id != story.id
        assert app.library.is_read(second.id)
        assert app.mark_writer.unsaved == 2  # not durable yet, so not counted as saved
        injected.release()
        await settled(app, pilot)
        assert app.mark_writer.unsaved == 0
        assert on_disk(library.folder, story.id, "starred")
        assert on_disk(library.folder, second.id, "read")


async def test_the_look_for_other_processes_marks_never_waits_for_a_slow_write(
    tmp_path: Path, injected: InjectedFsync
) -> None:
    library = build_library(tmp_path / "library", 5)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        story = app.story_list.current
        assert story is not None and app.mark_writer is not None
        injected.hang()
        await pilot.press("s")
        deadline = time.monotonic() + 10
        while injected.calls == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # until the writer holds the marks log, waiting on its fsync
        assert injected.calls >= 1
        # Were the look to wait for the log, only this timer would let it go on.
        safety = threading.Timer(5, injected.release)
        safety.start()
        app.background.look_for_changes()  # the half-second look, while the write hangs
        assert app.mark_writer.unsaved == 1  # it returned while the write still hung
        safety.cancel()
        injected.release()
        await settled(app, pilot)
        # The skipped look is taken again: another process's mark is picked up.
        others = [s for s in app.library.stories if s.id != story.id]
        other = Library(library.folder)
        try:
            other.set_read([others[0].id])
        finally:
            other.close()
        app.background.look_for_changes()
        assert app.library.is_read(others[0].id)
        assert on_disk(library.folder, story.id, "starred")


async def test_quitting_waits_for_the_marks_still_being_written(
    tmp_path: Path, injected: InjectedFsync
) -> None:
    library = build_library(tmp_path / "library", 5)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        story = app.story_list.current
        assert story is not None
        injected.hang()
        await pilot.press("s")
        threading.Timer(0.3, injected.release).start()
    assert on_disk(library.folder, story.id, "starred")


async def test_read_only_found_at_the_first_failed_write(
    tmp_path: Path, injected: InjectedFsync
) -> None:
    library = build_library(tmp_path / "library", 5)
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        story = app.story_list.current
        assert story is not None
        injected.fail(errno.EROFS)
        await pilot.press("s")
        await settled(app, pilot)
        assert status(app) == "library is read-only — mark not saved"
        assert app.library.read_only
        injected.heal()  # the library stays read-only for this session: nothing is retried
        await pilot.press("r")
        await settled(app, pilot)
        assert not app.library.is_read(story.id)
        assert status(app) == "library is read-only — mark not saved"
        await pilot.press("j")
        assert "library is read-only" in status(app)
    assert not on_disk(library.folder, story.id, "read")


async def test_a_read_only_mount_opens_read_only(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "4m") as disk:
        build_library(disk / "library", 5).close()
        remount(disk, read_only=True)
        library = Library(disk / "library")
        assert library.read_only
        app = make_app(library)
        async with app.run_test(size=SIZE) as pilot:
            assert status(app).endswith("library is read-only")
            story = app.story_list.current
            assert story is not None
            await pilot.press("s")
            await settled(app, pilot)
            assert not app.library.is_starred(story.id)
            assert status(app) == "library is read-only — mark not saved"
            await pilot.press("j", "enter")  # reading goes on
            assert app.reader.story_id is not None
        library.close()
