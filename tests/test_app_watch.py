"""Watching a folder while the app runs, driven with Pilot: dumps dropped in show up."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsreader import watch
from newsreader.config import Config, load_config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.story_list import StoryList

from .conftest import SEED


@pytest.fixture(autouse=True)
def _fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "POLL_SECONDS", 0.05)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path


def recording(app: NewsReader) -> list[str]:
    """Collect every notification's title and message as the app posts them."""
    notes: list[str] = []
    notify = app.notify

    def record(message: str, **options: Any) -> None:
        notes.append(f"{options.get('title', '')}: {message}")
        notify(message, **options)

    app.notify = record  # type: ignore[method-assign]
    return notes


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await pilot.pause(0.05)


async def test_a_dump_dropped_in_is_imported_and_listed(tmp_path: Path, inbox: Path) -> None:
    app = NewsReader(Library(tmp_path / "lib"), Config(), watch=inbox)
    notes = recording(app)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.query_one(StoryList).rows == []
        shutil.copy(SEED, inbox / "today.txt")
        await until(pilot, lambda: len(app.query_one(StoryList).rows) == 3)
        await until(pilot, lambda: bool(notes))
        assert notes == [
            "Watched folder: Imported 4 stories from 1 dump, "
            "1 of them hidden as a version of another."
        ]
        assert app.listing.unread == 3
    assert len(Library(tmp_path / "lib").stories) == 4


async def test_the_watch_setting_in_config(tmp_path: Path, inbox: Path) -> None:
    app = NewsReader(Library(tmp_path / "lib"), Config(watch=str(inbox)))
    async with app.run_test(size=(100, 30)) as pilot:
        shutil.copy(SEED, inbox / "today.txt")
        await until(pilot, lambda: len(app.query_one(StoryList).rows) == 3)


async def test_rejected_files_are_named(tmp_path: Path, inbox: Path) -> None:
    app = NewsReader(Library(tmp_path / "lib"), Config(), watch=inbox)
    notes = recording(app)
    async with app.run_test(size=(100, 30)) as pilot:
        (inbox / "empty.txt").write_text("")
        await until(pilot, lambda: len(notes) == 2)
        assert notes == [
            "Watched folder: Nothing new imported.",
            "Not imported: empty.txt: empty file",
        ]


async def test_marks_and_cursor_survive_an_import(seeded: Library, inbox: Path) -> None:
    app = NewsReader(seeded, Config(), watch=inbox)
    notes = recording(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "s")
        starred = app.query_one(StoryList).current
        assert starred is not None
        text = SEED.read_text(encoding="utf-8").replace("It remains a long shot.", "Not yet.")
        (inbox / "another.txt").write_text(text, encoding="utf-8")
        await until(pilot, lambda: bool(notes))
        current = app.query_one(StoryList).current
        assert current is not None and current.id == starred.id
        assert app.listing.starred == 1


async def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    app = NewsReader(Library(tmp_path / "lib"), Config(), watch=tmp_path / "nowhere")
    notes = recording(app)
    async with app.run_test(size=(100, 30)):
        assert notes == [f"Not watching: {tmp_path / 'nowhere'}: no such folder"]


async def test_watch_from_the_command_line_is_not_saved(tmp_path: Path, inbox: Path) -> None:
    config_path = tmp_path / "config.toml"
    app = NewsReader(Library(tmp_path / "lib"), Config(), config_path, watch=inbox)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = "newsreader-light"
        await pilot.pause()
    saved = load_config(config_path)
    assert saved.theme == "newsreader-light" and saved.watch is None
