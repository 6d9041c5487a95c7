"""`newsreader merge`: two copies of a library marked apart end up with every mark of both."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsreader.__main__ import main
from newsreader.library import Library


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def state(folder: Path) -> dict[str, tuple[bool, bool, str | None]]:
    """Read, starred and shown-instead-of of every story."""
    library = Library(folder)
    return {
        s.id: (library.is_read(s.id), library.is_starred(s.id), library.duplicate_of(s.id))
        for s in library.stories
    }


def test_two_copies_marked_apart_merge_both_ways(
    seeded: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = seeded.folder
    server = tmp_path / "server"
    shutil.copytree(laptop, server)
    ids = [s.id for s in seeded.stories]
    hidden = next(sid for sid in ids if seeded.duplicate_of(sid))
    mine, theirs = Library(laptop), Library(server)
    mine.mark_group_read = theirs.mark_group_read = False
    mine.set_starred([ids[0]], True)
    mine.set_read([ids[1]], True)
    mine.set_read([ids[2]], True)  # read here first…
    theirs.set_starred([ids[3]], True)
    theirs.set_read([ids[2]], True)
    theirs.set_read([ids[2]], False)  # …then marked unread there, later: that wins
    theirs.ungroup(hidden)  # a grouping decision travels too

    code, out, _ = run(capsys, "--db", str(laptop), "merge", str(server))
    assert code == 0 and out.startswith("3 marks taken from")
    code, out, _ = run(capsys, "--db", str(server), "merge", str(laptop))
    assert code == 0 and out.startswith("2 marks taken from")

    merged = state(laptop)
    assert merged == state(server)
    assert merged[ids[0]][1] and merged[ids[3]][1]  # both stars
    assert merged[ids[1]][0]  # the laptop's read
    assert merged[ids[2]][0] is False  # the later unread
    assert merged[hidden][2] is None  # shown on its own in both copies now

    # Merging again changes nothing, either way.
    assert run(capsys, "--db", str(laptop), "merge", str(server))[1].startswith("0 marks")
    assert run(capsys, "--db", str(server), "merge", str(laptop))[1].startswith("0 marks")


def test_merge_keeps_marks_of_stories_this_copy_lacks(
    seeded: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Library(tmp_path / "other")
    other.marks.set_many("starred", {"0123456789ab": True})  # a story only the other copy has
    assert run(capsys, "--db", str(seeded.folder), "merge", str(other.folder))[0] == 0
    assert Library(seeded.folder).marks.get("0123456789ab", "starred") is True


def test_merge_from_a_folder_that_is_no_library(
    seeded: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(seeded.folder), "merge", str(tmp_path / "nothing"))
    assert code == 2 and "not a newsreader library" in err and "Traceback" not in err
    assert not (tmp_path / "nothing").exists()


def test_merge_from_a_damaged_copy_names_the_file(
    seeded: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    shutil.copytree(seeded.folder, other)
    (other / "marks.json").write_bytes(b'{"marks": {"1": {"id": "x", "read": [1')
    code, _, err = run(capsys, "--db", str(seeded.folder), "merge", str(other))
    assert code == 2 and "marks.json" in err and "newsreader doctor" in err
