"""What each view selects, and how the status line names it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsreader.filters import View, select
from newsreader.library import Library
from newsreader.query import parse_query
from tests.app_library import build_library

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def test_titles() -> None:
    assert View().title(340, 340) == "All stories (340)"
    assert View("unread").title(12, 340) == "Unread (12 of 340)"
    query = parse_query("trump", NOW)
    assert View("starred", query).title(2, 340) == "Starred matching “trump” (2 of 340)"
    assert View(query=parse_query("  ", NOW)).title(340, 340) == "All stories (340)"


def test_unread_starred_and_search_combine(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=12)
    ids = [s.id for s in library.visible()]
    library.set_read(ids[:6], True)
    library.set_starred([ids[1], ids[7], ids[8]], True)
    assert select(library, View("unread"))[0].ids() == ids[6:]
    assert select(library, View("starred"))[0].ids() == [ids[1], ids[7], ids[8]]
    rain = View("starred", parse_query("rain", NOW))  # odd stories are about rain
    assert select(library, rain)[0].ids() == [ids[1], ids[7]]
    assert select(library, rain, unread_only=True)[0].ids() == [ids[7]]
    stories, total = select(library, View(query=parse_query("source:mint", NOW)))
    assert [s.source for s in stories] == ["Mint"] * 4 and total == 12


def test_a_story_is_found_by_any_of_its_versions(seeded: Library) -> None:
    hidden = next(s for s in seeded.stories if seeded.duplicate_of(s.id) is not None)
    shown = seeded.meta(seeded.duplicate_of(hidden.id) or "")
    word = next(w for w in hidden.title.split() if w not in shown.title.split())
    found, _ = select(seeded, View(query=parse_query(f'"{word}"', NOW)))
    assert found.ids() == [shown.id]
