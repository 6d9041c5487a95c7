"""Marks made on the saved first screen before the library opens, and the first screen made true
again by the marks other processes appended since it was saved."""

from __future__ import annotations

import time
from pathlib import Path

from newsreader import first_screen
from newsreader.append_log import AppendLog
from newsreader.first_marks import FirstMarks
from newsreader.first_screen import FirstScreen, first_screen_of
from newsreader.library import Library
from tests.app_library import build_library


def saved(library: Library, tmp_path: Path) -> FirstScreen:
    """The library's first screen, saved and read back as a start reads it."""
    config = tmp_path / "config.toml"
    first_screen.write(
        library.folder, first_screen_of(library), first_screen.stamps(library.folder, config)
    )
    found = first_screen.read(library.folder, config)
    assert found is not None
    return found


def reread(library: Library, tmp_path: Path) -> FirstScreen | None:
    return first_screen.read(library.folder, tmp_path / "config.toml")


def folded_row(screen: FirstScreen) -> str:
    """The id of a row with other versions folded under it."""
    return next(row.id for row in screen.rows if row.hidden_versions)


def test_read_on_a_row_marks_its_folded_versions_and_the_library_reads_the_marks(
    seeded: Library, tmp_path: Path
) -> None:
    screen = saved(seeded, tmp_path)
    row = folded_row(screen)
    versions = [v.id for v in screen.versions[row]]
    marks = FirstMarks(seeded.folder, screen)
    change = marks.set("read", row, True, "marked read")
    assert change is not None and change.stories == [row, *versions]
    assert change.before == dict.fromkeys([row, *versions], False)
    assert marks.is_read(row) and all(marks.is_read(v) for v in versions)
    assert screen.unread is not None and marks.unread == screen.unread - 1  # versions not counted
    outcome = marks.close()
    assert [r["id"] for r in outcome.written] == [row, *versions] and not outcome.failed
    again = Library(seeded.folder)
    assert all(again.is_read(sid) for sid in [row, *versions])
    assert again.counts() == (marks.unread, marks.starred)


def test_without_group_read_only_the_row_is_marked(seeded: Library, tmp_path: Path) -> None:
    screen = saved(seeded, tmp_path)
    row = folded_row(screen)
    marks = FirstMarks(seeded.folder, screen, group_read=False)
    change = marks.set("read", row, True, "marked read")
    assert change is not None and change.stories == [row]
    marks.close()
    assert not any(Library(seeded.folder).is_read(v.id) for v in screen.versions[row])


def test_a_star_counts_and_a_mark_already_there_changes_nothing(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=5)
    screen = saved(library, tmp_path)
    story = screen.rows[2].id
    marks = FirstMarks(library.folder, screen)
    change = marks.set("starred", story, True, "starred")
    assert change is not None and change.before == {story: False}
    assert marks.starred == 1 and marks.status.endswith("5 unread  ·  1 starred")
    assert marks.set("starred", story, True, "starred") is None
    assert len(marks.close().written) == 1
    assert Library(library.folder).marked("starred") == [story]


def test_the_library_takes_in_the_marks_and_stamps_its_next_one_after_them(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=5)
    screen = saved(library, tmp_path)
    story = screen.rows[0].id
    opened = Library(library.folder)  # opened before the mark was written
    marks = FirstMarks(library.folder, screen)
    marks.set("starred", story, True, "starred")
    written = marks.close().written
    assert not opened.is_starred(story)
    opened.marks.absorb(written)
    assert opened.is_starred(story)
    opened.set_starred([story], False)
    assert not Library(library.folder).is_starred(story)  # the later change wins on disk


def test_marks_appended_since_correct_the_rows_and_the_counts(
    seeded: Library, tmp_path: Path
) -> None:
    screen = saved(seeded, tmp_path)
    row = folded_row(screen)
    version = screen.versions[row][0].id
    plain = next(r.id for r in screen.rows if not r.hidden_versions)
    seeded.set_read([plain])
    seeded.set_starred([version])
    found = reread(seeded, tmp_path)
    assert found is not None
    assert next(r for r in found.rows if r.id == plain).read
    assert screen.unread is not None and found.unread == screen.unread - 1
    assert screen.starred is not None and found.starred == screen.starred + 1
    assert next(v for v in found.versions[row] if v.id == version).starred
    assert found.latest > screen.latest
    assert (found.unread, found.starred) == seeded.counts()


def test_a_mark_on_a_story_off_the_screen_leaves_its_count_unknown(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=5)
    saved(library, tmp_path)
    stamp = time.time_ns() + 10**9
    AppendLog(library.folder / "marks.log").append(
        [{"id": "f" * 16, "f": "read", "v": True, "t": stamp, "o": "elsewhere:1"}]
    )
    found = reread(library, tmp_path)
    assert found is not None and found.unread is None and found.starred == 0
    assert found.status == "All stories (5)  ·  … unread  ·  0 starred"


def test_what_the_rows_cannot_be_corrected_for_makes_the_screen_stale(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=5)
    screen = saved(library, tmp_path)
    story = screen.rows[0].id
    log = AppendLog(library.folder / "marks.log")
    # A grouping changes the rows themselves; a mark no newer than the screen's may lose.
    log.append([{"id": story, "f": "group", "v": "solo:x", "t": time.time_ns(), "o": "a:1"}])
    assert reread(library, tmp_path) is None
    library.refresh()
    saved(library, tmp_path)
    log.append([{"id": story, "f": "read", "v": True, "t": 1, "o": "a:1"}])
    assert reread(library, tmp_path) is None
    library.refresh()
    saved(library, tmp_path)
    with (library.folder / "marks.log").open("ab") as handle:
        handle.write(b'{"id":"' + story.encode())  # an append under way, or cut short
    assert reread(library, tmp_path) is None
