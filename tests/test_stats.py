"""Library statistics: stories per day, top sources, marks and totals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsreader.library import Library
from newsreader.models import ParsedDump, ParsedStory
from newsreader.stats import library_stats

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def story(title: str, source: str, published: str | None) -> ParsedStory:
    words = f"{title} " + " ".join(f"{title.split()[0]}{n}" for n in range(60))
    return ParsedStory(title=title, source=source, published=published, paragraphs=(words,))


def dump(name: str, *stories: ParsedStory) -> ParsedDump:
    return ParsedDump(
        name=name, stories=stories, captured_at="2026-11-25T09:00:00Z", digest=name * 4
    )


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "lib")
    lib.import_dumps(
        [
            dump(
                "a",
                story("Alpha one", "Mint", "2026-11-25T08:00:00Z"),
                story("Bravo two", "Mint", "2026-11-24T23:30:00Z"),
                story("Charlie three", "Reuters", "2026-11-24T01:00:00Z"),
            ),
            dump(
                "b",
                story("Delta four", "Reuters", "2026-10-01T00:00:00Z"),
                story("Echo five", "AP", None),
                story("Foxtrot six", "AP", "2026-11-27T00:00:00Z"),
            ),
        ]
    )
    return lib


def test_window_is_thirty_days_ending_today(library: Library) -> None:
    stats = library_stats(library, NOW)
    assert len(stats.per_day) == 30
    assert stats.last_day == date(2026, 11, 25)
    assert stats.first_day == date(2026, 10, 27)


def test_stories_per_day_by_published(library: Library) -> None:
    stats = library_stats(library, NOW)
    assert stats.per_day[-1] == 1  # Alpha
    assert stats.per_day[-2] == 2  # Bravo and Charlie
    assert sum(stats.per_day) == 3  # October and the future are outside the window


def test_days_are_counted_in_the_time_zone_of_now(library: Library) -> None:
    east = NOW.astimezone(timezone(timedelta(hours=3)))
    stats = library_stats(library, east)
    assert stats.per_day[-1] == 2  # 23:30 UTC is 02:30 the next day at UTC+3
    assert stats.per_day[-2] == 1


def test_undated_stories_are_counted_apart(library: Library) -> None:
    assert library_stats(library, NOW).undated == 1


def test_top_sources_most_first_ties_by_name(library: Library) -> None:
    stats = library_stats(library, NOW)
    assert stats.top_sources == (("AP", 2), ("Mint", 2), ("Reuters", 2))
    assert library_stats(library, NOW, top=1).top_sources == (("AP", 2),)


def test_totals_and_marks(library: Library) -> None:
    first = library.visible()[0].id
    library.set_read([first])
    library.set_starred([first])
    stats = library_stats(library, NOW)
    assert (stats.stories, stats.shown, stats.hidden_duplicates, stats.dumps) == (6, 6, 0, 2)
    assert (stats.unread, stats.starred) == (5, 1)


def test_hidden_duplicates_on_the_seed(seeded: Library) -> None:
    stats = library_stats(seeded, datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    assert (stats.stories, stats.shown, stats.hidden_duplicates, stats.dumps) == (4, 3, 1, 1)
    assert stats.per_day[-1] == 3
    assert dict(stats.top_sources)["Mint"] == 1


def test_empty_library(tmp_path: Path) -> None:
    stats = library_stats(Library(tmp_path / "empty"), NOW)
    assert sum(stats.per_day) == 0 and stats.top_sources == () and stats.dumps == 0


def test_now_needs_a_time_zone(library: Library) -> None:
    with pytest.raises(ValueError):
        library_stats(library, datetime(2026, 11, 25))
