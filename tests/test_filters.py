"""What each view selects, and how the status line names it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsreader.filters import View, select
from newsreader.library import Library
from newsreader.models import ParsedDump, ParsedStory
from newsreader.query import parse_query
from newsreader.search.index import find
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


def test_a_search_answer_given_is_read_by_position_or_else_by_id(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=12)
    rain = View(query=parse_query("rain", NOW), complete=False)
    found = find(library, rain.query or parse_query("", NOW)).ids
    expected = select(library, rain)[0].ids()
    assert len(expected) == 6
    assert select(library, rain, found=found)[0].ids() == expected
    assert select(library, rain, found=list(found)[:2])[0].ids() == expected[:2]
    # An import since: the answer's positions are of the catalog as it was, its ids hold.
    newer = ParsedStory("Rain again", "Mint", "1 minute ago", "2026-11-21T00:00:00Z")
    library.import_dumps([ParsedDump("new.txt", (newer,), "2026-11-21T00:00:00Z", "f" * 16)])
    assert select(library, rain, found=found)[0].ids() == expected
    assert len(select(library, rain)[0].ids()) == 7


def test_a_star_on_a_folded_version_shows_the_version_shown(seeded: Library) -> None:
    hidden = next(s for s in seeded.stories if seeded.duplicate_of(s.id) is not None)
    seeded.set_starred([hidden.id])
    shown = seeded.duplicate_of(hidden.id)
    assert select(seeded, View("starred"))[0].ids() == [shown]


def test_the_unread_view_follows_marks_set_after_it_was_first_shown(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=6)
    ids = [s.id for s in library.visible()]
    assert select(library, View("unread"))[0].ids() == ids
    library.set_read(ids[:2])
    assert select(library, View("unread"))[0].ids() == ids[2:]
    other = Library(library.folder)
    other.set_read(ids[:1], read=False)
    other.set_starred(ids[5:])
    other.close()
    library.refresh()
    assert select(library, View("unread"))[0].ids() == [ids[0], *ids[2:]]
    assert select(library, View("starred"))[0].ids() == ids[5:]
    library.marks.compact()  # the marks read again whole: the masks are made again
    library.marks.reload()
    assert select(library, View("unread"))[0].ids() == [ids[0], *ids[2:]]
