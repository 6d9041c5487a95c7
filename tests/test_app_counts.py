"""The app's notices count in the singular for one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader


async def test_exporting_one_story_says_one_story(
    seeded: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = NewsReader(library=seeded, config=Config())
    notes: list[str] = []
    notify = app.notify

    def record(message: str, **options: Any) -> None:
        notes.append(message)
        notify(message, **options)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash", *"putin", "enter", "e")
        await pilot.pause()
    [exported] = list(tmp_path.glob("newsreader-export-*.md"))
    assert notes == [f"Exported 1 story to {exported}"]
