"""Marks made by another instance or by `newsreader mark` reach a running app by themselves."""

from __future__ import annotations

from pathlib import Path

from newsreader.library import Library
from tests.app_library import build_library, make_app

WIDE = (120, 34)


async def test_marks_from_another_process_show_within_a_second(library_path: Path) -> None:
    library = build_library(library_path, stories=12)
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("j", "j", "j")
        await pilot.pause(0.3)
        assert app.listing.unread == 12
        other = Library(library_path)  # another instance: its own files' view
        ids = [s.id for s in other.visible()]
        other.set_read(ids[:5], True)
        other.set_starred([ids[7]], True)
        other.close()
        for _ in range(20):
            await pilot.pause(0.1)
            if app.listing.unread == 7:
                break
        assert (app.listing.unread, app.listing.starred) == (7, 1)
        assert "7 unread  ·  1 starred" in str(app.query_one("#status").content)  # type: ignore[attr-defined]
        assert app.story_list.cursor == 3  # the cursor stays where it was
        assert app.library.is_read(ids[0]) and app.library.is_starred(ids[7])
        assert app.reader.story_id == ids[3]
