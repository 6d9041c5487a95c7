"""Several sessions on one library at once: no mark lost, imports seen, the app refreshed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual import events

from newsreader.config import Config
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.marks import MarkState
from newsreader.ui.app import NewsReader

from .conftest import CAPTURED, SEEDS
from .crash_harness import corpus_folder, harness_context, import_into, mark_each

STORIES_EACH = 500


def test_compaction_keeps_what_another_session_compacted(tmp_path: Path) -> None:
    mine, theirs = MarkState(tmp_path), MarkState(tmp_path)
    theirs.set_many("read", {"x": True})
    theirs.compact()  # "x" now lives only in marks.json
    mine.set_many("read", {"y": True})
    mine.compact()  # `mine` never looked again: it must not write marks.json without "x"
    again = MarkState(tmp_path)
    assert again.get("x", "read") is True
    assert again.get("y", "read") is True


def test_refresh_after_another_session_compacted_and_wrote_more(tmp_path: Path) -> None:
    mine, theirs = MarkState(tmp_path), MarkState(tmp_path)
    mine.set_many("starred", {"a": True})
    theirs.set_many("starred", {f"s{n}": True for n in range(40)})
    theirs.compact()
    theirs.set_many("starred", {f"t{n}": True for n in range(40)})  # the log grows past our offset
    mine.refresh()
    assert all(mine.get(f"s{n}", "starred") for n in range(40))
    assert all(mine.get(f"t{n}", "starred") for n in range(40))


@pytest.fixture(scope="module")
def big_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of more than 1,000 stories (built once, copied by the tests that write)."""
    folder = tmp_path_factory.mktemp("big") / "library"
    library = Library(folder)
    import_paths(library, [corpus_folder(tmp_path_factory.mktemp("corpus"))], CAPTURED)
    assert len(library.stories) >= 2 * STORIES_EACH
    library.close()
    return folder


@pytest.mark.parametrize("field", ["read", "starred"])
@pytest.mark.parametrize("compact_at", [512 * 1024, 4096])
def test_two_processes_marking_at_once_lose_nothing(
    big_library: Path, tmp_path: Path, field: str, compact_at: int
) -> None:
    folder = tmp_path / "library"
    shutil.copytree(big_library, folder)
    ids = [story.id for story in Library(folder).stories[: 2 * STORIES_EACH]]
    halves = [ids[:STORIES_EACH], ids[STORIES_EACH:]]
    context = harness_context()
    go = context.Event()
    workers = [
        context.Process(target=mark_each, args=(str(folder), half, field, compact_at, go))
        for half in halves
    ]
    for worker in workers:
        worker.start()
    go.set()  # both are ready: they mark at the same time
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    library = Library(folder)
    check = library.is_read if field == "read" else library.is_starred
    assert [sid for sid in ids if not check(sid)] == []


def test_import_in_another_process_is_seen_after_refresh(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    mine = Library(folder)
    import_paths(mine, [SEEDS], CAPTURED)
    first = mine.stories[0].id
    corpus = corpus_folder(tmp_path / "corpus", stories=60)
    context = harness_context()
    importer = context.Process(target=import_into, args=(str(folder), str(corpus)))
    importer.start()
    marked = 0
    while importer.is_alive():  # keep marking while the other process imports
        mine.set_starred([first], marked % 2 == 0)
        marked += 1
    importer.join()
    assert importer.exitcode == 0
    before = len(mine.stories)
    assert mine.refresh() is True
    assert len(mine.stories) > before
    mine.set_starred([first], True)
    fresh = Library(folder)
    assert len(fresh.stories) == len(mine.stories)
    assert fresh.is_starred(first)
    newest = next(s.id for s in fresh.stories if s.dump != mine.meta(first).dump)
    mine.set_read([newest], True)  # a story the other process imported can be marked here
    assert Library(folder).is_read(newest)


async def test_app_shows_other_sessions_marks_on_refocus(seeded: Library) -> None:
    app = NewsReader(seeded, Config())
    async with app.run_test(size=(120, 30)) as pilot:
        unread = app.listing.unread
        other = Library(seeded.folder)
        target = other.visible()[0].id
        other.set_read([target], True)
        other.set_starred([target], True)
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert app.listing.unread == unread - 1
        assert app.listing.starred == 1
        assert seeded.is_read(target) and seeded.is_starred(target)
        status = str(app.query_one("#status").render())
        assert f"{unread - 1} unread" in status and "1 starred" in status
