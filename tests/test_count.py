"""`newsreader count`: right after every kind of write, read-only, lock-free."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsreader.__main__ import main
from newsreader.config import Config
from newsreader.count import SUMMARY_FILE, fast_main, read_summary, wants_count
from newsreader.library import Library
from newsreader.library.marks import MarkState
from newsreader.ui.app import NewsReader

COMMAND = Path(sys.executable).parent / "newsreader"


def truth(folder: Path) -> dict[str, int]:
    """The counts of the library opened the ordinary way."""
    library = Library(folder)
    try:
        unread, starred = library.counts()
        counts = (len(library.visible_positions()), unread, starred)
        return dict(zip(("stories", "unread", "starred"), counts, strict=True))
    finally:
        library.close()


def fast(folder: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int] | None:
    """The counts from the summary alone; None when it is not true any more."""
    status = fast_main(["--db", str(folder), "count", "--json"])
    out = capsys.readouterr().out
    return None if status is None else dict(json.loads(out))


def installed(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed `newsreader count` on `folder`."""
    return subprocess.run(
        [str(COMMAND), "--db", str(folder), "count", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_import_leaves_a_true_summary(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counts = truth(library_path)
    assert counts["stories"] > 0 and counts["unread"] == counts["stories"]
    assert fast(library_path, capsys) == counts


def test_marks_by_the_command_keep_it_true(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = seeded.visible()[0].id, seeded.visible()[1].id
    before = truth(library_path)
    assert main(["--db", str(library_path), "mark", first, "--read"]) == 0
    assert main(["--db", str(library_path), "mark", second, "--star"]) == 0
    capsys.readouterr()
    after = fast(library_path, capsys)
    assert after == truth(library_path)
    assert after == {**before, "unread": before["unread"] - 1, "starred": 1}


async def test_marks_by_the_app_keep_it_true(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = truth(library_path)
    app = NewsReader(library=seeded, config=Config())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("r", "j", "s")
        await pilot.pause()
    after = fast(library_path, capsys)
    assert after == truth(library_path)
    assert after is not None and after["unread"] == before["unread"] - 1
    assert after["starred"] == before["starred"] + 1


def test_a_merge_keeps_it_true(
    seeded: Library, library_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(library_path, copy)
    other = Library(copy)
    other.set_read([story.id for story in other.visible()])
    other.close()
    assert main(["--db", str(library_path), "merge", str(copy)]) == 0
    capsys.readouterr()
    after = fast(library_path, capsys)
    assert after == truth(library_path)
    assert after is not None and after["unread"] == 0


def test_splitting_a_group_counts_one_story_more(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hidden = next(s.id for s in seeded.stories if seeded.duplicate_of(s.id) is not None)
    before = truth(library_path)
    seeded.ungroup(hidden)
    after = fast(library_path, capsys)
    assert after == truth(library_path)
    assert after is not None and after["stories"] == before["stories"] + 1


def test_marks_written_without_the_summary_are_counted_from_the_files(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As an older newsreader, or one killed between its mark and its summary, leaves them.
    MarkState(library_path).set_many("read", {seeded.visible()[0].id: True})
    assert read_summary(library_path) is None
    expected = truth(library_path)
    done = installed(library_path, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


def test_a_mark_over_marks_not_yet_read_is_counted_from_the_files(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Library(library_path)  # another process, say `newsreader mark`
    other.set_read([seeded.visible()[0].id])
    other.close()
    seeded.set_starred([seeded.visible()[1].id])  # has not read the other's mark
    assert fast(library_path, capsys) in (None, truth(library_path))
    counts = json.loads(installed(library_path, "--json").stdout)
    assert counts == truth(library_path)
    assert counts["unread"] == counts["stories"] - 1 and counts["starred"] == 1


def test_a_damaged_summary_is_ignored(seeded: Library, library_path: Path) -> None:
    seeded.set_read([seeded.visible()[0].id])
    summary = library_path / SUMMARY_FILE
    lines = summary.read_text().split("\n")
    summary.write_text("\n".join([*lines[:2], "999 999 999", ""]))
    assert installed(library_path, "--json").stdout != '{"stories": 999, "unread": 999}\n'
    for text in ("", "garbage", "\n".join([*lines[:2], "1 2", ""]), "\x00\xff"):
        summary.write_bytes(text.encode("latin-1"))
        assert read_summary(library_path) is None
        assert json.loads(installed(library_path, "--json").stdout) == truth(library_path)


def test_what_is_printed(seeded: Library, library_path: Path) -> None:
    seeded.set_starred([seeded.visible()[0].id])
    counts = truth(library_path)
    plain = f"{counts['stories']} stories  {counts['unread']} unread  {counts['starred']} starred\n"
    assert installed(library_path).stdout == plain
    assert installed(library_path, "--unread").stdout == f"{counts['unread']}\n"
    assert installed(library_path, "--starred").stdout == "1\n"
    both = installed(library_path, "--unread", "--starred", "--json").stdout
    assert json.loads(both) == {"unread": counts["unread"], "starred": 1}


def list_lines(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> int:
    assert main(["--db", str(folder), "list", *args]) == 0
    return len(capsys.readouterr().out.splitlines())


def test_a_query_counts_what_list_lists(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded.set_read([seeded.visible()[0].id])
    seeded.set_starred([seeded.visible()[0].id])
    for query in ("trump", "vance", "-trump", "nothingmatchesthis", "source:mint"):
        option = f"--query={query}"  # "-trump" is no option
        done = installed(library_path, option, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == {
            "stories": list_lines(library_path, capsys, option),
            "unread": list_lines(library_path, capsys, option, "--unread"),
            "starred": list_lines(library_path, capsys, option, "--starred"),
        }


def test_a_query_that_cannot_be_read_is_one_line(seeded: Library, library_path: Path) -> None:
    done = installed(library_path, "--query", '"unclosed')
    assert done.returncode == 2
    assert done.stderr.startswith("newsreader: ") and len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("stale", [False, True])
def test_count_writes_nothing(seeded: Library, library_path: Path, stale: bool) -> None:
    seeded.set_read([seeded.visible()[0].id])
    if stale:
        MarkState(library_path).set_many("starred", {seeded.visible()[1].id: True})
    before = files(library_path)
    for args in ([], ["--json"], ["--unread"], ["--query", "trump"], ["--query", '"a phrase"']):
        assert installed(library_path, *args).returncode == 0
    assert files(library_path) == before


def read_only_command(folder: Path, *args: str) -> list[str]:
    """`newsreader count` run where `folder` cannot be written to. Root ignores permissions,
    so as root it runs in a mount namespace of its own with the folder mounted read-only."""
    command = [str(COMMAND), "--db", str(folder), "count", *args]
    if os.geteuid() != 0:
        return command
    mount = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} {folder}"
    return ["unshare", "-m", "sh", "-c", f'{mount} && exec "$@"', "sh", *command]


@contextmanager
def without_write_permission(folder: Path) -> Iterator[None]:
    """Take the write permission off `folder` and all it holds for the block."""
    paths = [folder, *folder.rglob("*")]
    for path in paths:
        path.chmod(0o500 if path.is_dir() else 0o400)
    try:
        yield
    finally:
        for path in paths:
            path.chmod(0o700 if path.is_dir() else 0o600)


@pytest.mark.parametrize("stale", [False, True])
def test_count_works_on_a_read_only_library(
    seeded: Library, library_path: Path, stale: bool
) -> None:
    seeded.set_read([seeded.visible()[0].id])
    if stale:
        MarkState(library_path).set_many("starred", {seeded.visible()[1].id: True})
    expected = truth(library_path)
    before = files(library_path)
    with without_write_permission(library_path):
        for args in (["--json"], ["--query", "trump", "--json"]):
            command = read_only_command(library_path, *args)
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            if "--query" not in args:
                assert json.loads(done.stdout) == expected
    assert files(library_path) == before


@pytest.mark.parametrize("stale", [False, True])
def test_count_does_not_wait_for_locks(seeded: Library, library_path: Path, stale: bool) -> None:
    seeded.set_read([seeded.visible()[0].id])
    if stale:
        MarkState(library_path).set_many("starred", {seeded.visible()[1].id: True})
    expected = truth(library_path)
    # What an import and a compaction of the marks hold while they run.
    held = [os.open(library_path / name, os.O_RDWR) for name in ("import.lock", "marks.log")]
    try:
        for fd in held:
            fcntl.flock(fd, fcntl.LOCK_EX)
        done = installed(library_path, "--json")
        assert json.loads(done.stdout) == expected
        assert installed(library_path, "--query", "trump").returncode == 0
    finally:
        for fd in held:
            os.close(fd)


def test_no_library_says_so_and_makes_nothing(tmp_path: Path) -> None:
    done = installed(tmp_path / "nowhere")
    assert done.returncode == 2
    assert "no library here" in done.stderr
    assert not (tmp_path / "nowhere").exists()


def test_the_count_command_is_recognised() -> None:
    assert wants_count(["count"])
    assert wants_count(["--db", "x", "count", "--unread"])
    assert wants_count(["--db=x", "count"])
    assert not wants_count(["list", "--query", "count"])
    assert not wants_count(["--db", "count"])
    assert not wants_count([])


def test_the_summary_follows_a_long_run_of_marks(seeded: Library, library_path: Path) -> None:
    # The counts after a mark are worked out from the mark alone: they must stay those of a
    # fresh count through reads, stars, undos, splits and joins, in any order.
    ids = [story.id for story in seeded.stories]
    hidden = next(sid for sid in ids if seeded.duplicate_of(sid) is not None)
    steps = [
        lambda: seeded.set_read(ids[:2]),
        lambda: seeded.set_starred([ids[0], hidden]),
        lambda: seeded.set_read([hidden], False),
        lambda: seeded.ungroup(hidden),
        lambda: seeded.set_read([hidden]),
        lambda: seeded.restore_marks("read", {ids[0]: None, ids[1]: True}),
        lambda: seeded.group(ids[0], hidden),
        lambda: seeded.set_starred([ids[0]], False),
        lambda: seeded.set_read(ids, False),
    ]
    for step in steps:
        step()
        counts = read_summary(library_path)
        assert counts is not None
        assert dict(zip(("stories", "unread", "starred"), counts, strict=True)) == truth(
            library_path
        )


def test_a_mark_that_loses_to_a_later_one_changes_no_count(
    seeded: Library, library_path: Path, tmp_path: Path
) -> None:
    # A star set on a machine whose clock runs ahead, merged in, outlives an unstar made here.
    story = seeded.visible()[0].id
    copy = tmp_path / "copy"
    shutil.copytree(library_path, copy)
    ahead = time.time_ns() + 3600 * 10**9
    record = {"id": story, "f": "starred", "v": True, "t": ahead, "o": "elsewhere:1"}
    with (copy / "marks.log").open("ab") as log:
        log.write(json.dumps(record).encode() + b"\n")
    seeded.merge_marks_from(copy)
    seeded.set_starred([story], False)
    counts = read_summary(library_path)
    assert counts is not None and counts[2] == truth(library_path)["starred"] == 1


def test_a_story_a_rule_hid_is_counted_as_the_list_shows_it(
    seeded: Library, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = (story.id for story in seeded.visible()[:2])
    seeded.set_read([second])
    seeded.restore_marks("hidden", {first: True, second: True})  # as a mute rule hides them
    expected = truth(library_path)
    assert expected["stories"] == len(seeded.visible())
    assert fast(library_path, capsys) in (None, expected)
    # Worked out from the files, as when the summary is out of date.
    (library_path / SUMMARY_FILE).unlink()
    done = installed(library_path, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected
