"""The library on disk: import, ids, groups, marks, and what survives reopening."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.batch import story_id
from newsreader.models import ParsedDump, ParsedStory

from .conftest import CAPTURED, SEED, SEEDS


def dump(name: str, *stories: ParsedStory, digest: str | None = None) -> ParsedDump:
    return ParsedDump(
        name=name,
        stories=stories,
        captured_at="2026-11-20T12:00:00Z",
        digest=digest or name,
    )


def story(title: str, words: int, published: str = "2026-11-20T10:00:00Z") -> ParsedStory:
    body = " ".join(f"{title.split()[0].lower()}{n} word{n % 7}" for n in range(words // 2))
    return ParsedStory(title=title, source="Wire", published=published, paragraphs=(body,))


def test_round_trip(seeded: Library, library_path: Path) -> None:
    again = Library(library_path)
    assert [s.id for s in again.stories] == [s.id for s in seeded.stories]
    main = again.story(again.stories[0].id)
    assert main.title == "How Trump and Putin Reached a New Make-or-Break Moment on Ukraine"
    assert main.authors == ("Alexander Ward", "Alex Leary", "Matthew Luxmoore")
    assert main.paragraphs[0].startswith("WASHINGTON—President Trump has long believed")


def test_ids_are_stable_and_reimport_adds_nothing(seeded: Library, tmp_path: Path) -> None:
    before = [s.id for s in seeded.stories]
    seeded.set_starred([before[0]])
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(SEED, copy / "another-name.txt")
    outcome = import_paths(seeded, [SEEDS, copy], CAPTURED)
    assert outcome.report.stories_added == 0
    assert outcome.report.dumps_already_there == 2
    assert [s.id for s in seeded.stories] == before
    assert seeded.is_starred(before[0])


def test_id_depends_on_content_and_position_only() -> None:
    assert story_id("abc", 0) == story_id("abc", 0)
    assert story_id("abc", 0) != story_id("abc", 1)
    assert story_id("abc", 0) != story_id("abd", 0)


def test_marks_never_rewrite_bodies(seeded: Library, library_path: Path) -> None:
    files = [*sorted((library_path / "bodies").iterdir()), library_path / "library.json"]
    files += sorted((library_path / "catalog").iterdir())
    before = {path: path.stat().st_mtime_ns for path in files}
    ids = [s.id for s in seeded.stories]
    seeded.set_read(ids)
    seeded.set_starred(ids[:2])
    seeded.ungroup(ids[-1])
    assert {path: path.stat().st_mtime_ns for path in files} == before


def test_shown_version_is_the_most_complete(library_path: Path) -> None:
    library = Library(library_path)
    short = story("Wire story about the harbour fire", 400, "2026-11-20T09:00:00Z")
    longer = ParsedStory(
        title="Wire story about the harbour fire, updated",
        source="Other",
        published="2026-11-20T11:00:00Z",
        paragraphs=(short.paragraphs[0] + " " + "extra detail " * 40,),
    )
    library.import_dumps([dump("a", short), dump("b", longer)])
    shown = [s for s in library.stories if library.duplicate_of(s.id) is None]
    assert [s.source for s in shown] == ["Other"]


def test_ties_go_to_the_earliest_published(library_path: Path) -> None:
    library = Library(library_path)
    late = story("Same words here", 300, "2026-11-20T11:00:00Z")
    early = ParsedStory(
        title=late.title, source="Early", published="2026-11-20T08:00:00Z",
        paragraphs=late.paragraphs,
    )  # fmt: skip
    library.import_dumps([dump("a", late), dump("b", early)])
    shown = [s for s in library.stories if library.duplicate_of(s.id) is None]
    assert [s.source for s in shown] == ["Early"]


def test_split_and_join_survive_reimport_and_later_imports(
    seeded: Library, library_path: Path, tmp_path: Path
) -> None:
    hidden = next(s.id for s in seeded.stories if seeded.duplicate_of(s.id))
    shown = seeded.duplicate_of(hidden)
    assert shown is not None
    seeded.ungroup(hidden)
    assert seeded.duplicate_of(hidden) is None
    vance = next(s.id for s in seeded.stories if "Vance" in s.title)
    main = next(s.id for s in seeded.stories if s.role == "main")
    seeded.group(main, vance)
    assert seeded.duplicate_of(vance) == main or seeded.duplicate_of(main) == vance
    import_paths(seeded, [SEEDS], CAPTURED)
    seeded.import_dumps([dump("later", story("Unrelated later story", 200))])
    reopened = Library(library_path)
    assert reopened.duplicate_of(hidden) is None
    assert vance in reopened.versions(main)


def test_reading_marks_the_group_and_starring_only_the_story(seeded: Library) -> None:
    hidden = next(s.id for s in seeded.stories if seeded.duplicate_of(s.id))
    shown = seeded.duplicate_of(hidden)
    assert shown is not None
    seeded.set_read([shown])
    assert seeded.is_read(hidden)
    seeded.set_starred([shown])
    assert not seeded.is_starred(hidden)


def test_within_batch_and_across_imports_duplicates_found(library_path: Path) -> None:
    library = Library(library_path)
    base = story("Flood closes the coastal road", 300)
    library.import_dumps([dump("one", base)])
    copy = ParsedStory(title=base.title, source="Elsewhere", paragraphs=base.paragraphs)
    report = library.import_dumps([dump("two", copy)])
    assert report.duplicates_hidden == 1
    assert len(library.visible()) == 1


def test_library_files_are_private(seeded: Library, library_path: Path) -> None:
    seeded.set_read([seeded.stories[0].id])
    assert library_path.stat().st_mode & 0o777 == 0o700
    for path in library_path.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path


def test_catalog_holds_no_bodies(seeded: Library, library_path: Path) -> None:
    [segment] = (library_path / "catalog").glob("*.json")
    text = json.dumps(json.loads(segment.read_text()))
    assert "WASHINGTON" not in text
    assert "How Trump and Putin" in text
