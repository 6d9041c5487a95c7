"""The catalog read again off the UI thread (`read_catalog`) and taken in later (`adopt`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsreader.library import Library
from newsreader.models import ParsedDump, ParsedStory
from tests.app_library import build_library, story_text


def late_dump(number: int) -> ParsedDump:
    """A one-story dump newer than every story of `build_library`."""
    story = ParsedStory(
        title=f"Late story {number}",
        source="Mint",
        age="1 minute ago",
        published=f"2026-11-21T0{number}:00:00Z",
        paragraphs=story_text(1000 + number),
    )
    digest = hashlib.blake2b(f"late {number}".encode(), digest_size=8).hexdigest()
    return ParsedDump(f"late-{number}.txt", (story,), "2026-11-21T10:00:00Z", digest)


def test_nothing_is_read_when_no_other_process_imported(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", 3)
    assert library.read_catalog(library.marks_seen()) is None


def test_an_import_read_aside_is_served_only_once_adopted(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", 3)
    Library(tmp_path / "library").import_dumps([late_dump(1)])
    version = library.read_catalog(library.marks_seen())
    assert version is not None
    assert len(library.stories) == 3  # read, not yet served
    assert library.adopt(version)
    assert library.visible()[0].title == "Late story 1"
    assert not library.catalog.changed_on_disk()
    assert library.read_catalog(library.marks_seen()) is None


def test_a_version_older_than_the_catalog_served_is_not_adopted(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", 3)
    other = Library(tmp_path / "library")
    other.import_dumps([late_dump(1)])
    version = library.read_catalog(library.marks_seen())
    assert version is not None
    other.import_dumps([late_dump(2)])
    library.refresh()  # read meanwhile on the UI thread, with the second import
    assert not library.adopt(version)
    assert len(library.stories) == 5


def test_stories_grouped_while_the_catalog_was_read_stay_grouped(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", 3)
    Library(tmp_path / "library").import_dumps([late_dump(1)])
    version = library.read_catalog(library.marks_seen())
    assert version is not None
    first, second = (s.id for s in library.visible()[:2])
    library.group(first, second)  # a key pressed while the thread read
    assert library.adopt(version)
    assert sorted(library.versions(second)) == sorted([first, second])
    assert len(library.visible()) == 3  # four stories, two of them one group


def test_counts_made_with_the_read_stay_true_with_the_marks_made_meanwhile(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    library = build_library(folder, 6)
    first, second, third, fourth = (s.id for s in library.visible()[:4])
    library.set_read([first, second])
    Library(folder).import_dumps([late_dump(1), late_dump(2)])
    version = library.read_catalog(library.marks_seen())
    assert version is not None
    assert (version.counted.unread, version.counted.starred) == (6, 0)
    library.set_read([second], False)  # keys pressed while the thread read
    library.set_read([third])
    library.set_starred([fourth])
    assert library.adopt(version)
    assert library.counts() == (6, 1)
    assert library.counts() == Library(folder).counts()
    library.set_read([fourth])  # and after it was taken in
    library.set_starred([fourth], False)
    library.set_hidden([first])
    assert library.counts() == (5, 0)
    assert library.counts() == Library(folder).counts()


def test_a_story_hidden_while_the_catalog_was_read_is_counted_out(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    library = build_library(folder, 4)
    Library(folder).import_dumps([late_dump(1)])
    version = library.read_catalog(library.marks_seen())
    assert version is not None
    library.set_hidden([library.visible()[0].id])
    assert library.adopt(version)
    assert library.counts() == (4, 0)
    assert library.counts() == Library(folder).counts()
