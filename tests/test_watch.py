"""Watching a folder: which files are reported when, and importing them through a Library."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from newsreader.__main__ import main
from newsreader.library import Library
from newsreader.watch import FolderWatch, import_arrivals

from .conftest import SEED

LATER = time.time() + 3600  # a start time after every file written by these tests


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    path.mkdir()
    return path


def test_files_there_before_the_watch_are_left_alone(folder: Path) -> None:
    (folder / "old.txt").write_text("old")
    watch = FolderWatch(folder, since=LATER)
    assert watch.poll() == [] and watch.poll() == []


def test_a_new_file_is_reported_once_it_is_stable_for_one_poll(folder: Path) -> None:
    watch = FolderWatch(folder)
    (folder / "new.txt").write_text("new")
    assert watch.poll() == []  # first seen
    assert watch.poll() == [folder / "new.txt"]
    assert watch.poll() == []  # reported once


def test_a_growing_file_waits_until_it_stops_growing(folder: Path) -> None:
    watch = FolderWatch(folder)
    (folder / "big.txt").write_text("part one")
    watch.poll()
    with (folder / "big.txt").open("a") as file:
        file.write(" and part two")
    assert watch.poll() == []
    assert watch.poll() == [folder / "big.txt"]


def test_a_file_changed_after_it_was_reported_is_reported_again(folder: Path) -> None:
    watch = FolderWatch(folder)
    (folder / "a.txt").write_text("one")
    watch.poll()
    watch.poll()
    (folder / "a.txt").write_text("one, then more")
    watch.poll()
    assert watch.poll() == [folder / "a.txt"]


def test_a_file_arriving_while_the_watch_starts_is_reported(folder: Path) -> None:
    since = time.time() - 10  # the user asked for the watch before the file arrived
    (folder / "early.txt").write_text("early")
    watch = FolderWatch(folder, since=since)
    assert watch.poll() == [folder / "early.txt"]


def test_hidden_and_partial_downloads_are_skipped(folder: Path) -> None:
    watch = FolderWatch(folder)
    for name in (".hidden.txt", "page.html.crdownload", "page.html.part", "~lock.txt"):
        (folder / name).write_text("x")
    watch.poll()
    assert watch.poll() == []


def test_subfolders_are_watched(folder: Path) -> None:
    watch = FolderWatch(folder)
    (folder / "2026" / "11").mkdir(parents=True)
    (folder / "2026" / "11" / "d.txt").write_text("d")
    watch.poll()
    assert watch.poll() == [folder / "2026" / "11" / "d.txt"]


def test_a_missing_folder_is_watched_once_it_appears(tmp_path: Path) -> None:
    watch = FolderWatch(tmp_path / "later")
    assert watch.poll() == []
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "d.txt").write_text("d")
    watch.poll()
    assert watch.poll() == [tmp_path / "later" / "d.txt"]


def test_a_moved_in_file_with_an_old_time_is_reported(folder: Path, tmp_path: Path) -> None:
    watch = FolderWatch(folder)
    outside = tmp_path / "saved-last-week.txt"
    outside.write_text("saved")
    old = time.time() - 7 * 86400
    os.utime(outside, (old, old))
    outside.rename(folder / "saved-last-week.txt")
    watch.poll()
    assert watch.poll() == [folder / "saved-last-week.txt"]


# The seed dump: 4 stories, one of them a version of another, so the list grows by 3.
SEED_IMPORTED = "Imported 4 stories from 1 dump, 1 of them hidden as a version of another."


def test_import_arrivals_adds_the_stories(folder: Path, tmp_path: Path) -> None:
    shutil.copy(SEED, folder / "seed.txt")
    report = import_arrivals(tmp_path / "lib", [folder / "seed.txt"])
    assert report.stories_added == 4
    assert report.summary() == SEED_IMPORTED
    assert report.rejected() is None
    assert len(Library(tmp_path / "lib").stories) == 4


def test_import_arrivals_again_adds_nothing(folder: Path, tmp_path: Path) -> None:
    shutil.copy(SEED, folder / "seed.txt")
    import_arrivals(tmp_path / "lib", [folder / "seed.txt"])
    report = import_arrivals(tmp_path / "lib", [folder / "seed.txt"])
    assert report.summary() == "Nothing new imported (1 dump already in the library)."


def test_import_arrivals_names_rejected_files(folder: Path, tmp_path: Path) -> None:
    (folder / "empty.txt").write_text("")
    shutil.copy(SEED, folder / "seed.txt")
    report = import_arrivals(tmp_path / "lib", [folder / "empty.txt", folder / "seed.txt"])
    assert report.summary() == SEED_IMPORTED
    assert report.rejected() == "empty.txt: empty file"


def test_import_arrivals_reports_a_library_it_cannot_open(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    shutil.copy(SEED, folder / "seed.txt")
    report = import_arrivals(tmp_path / "not-a-folder", [folder / "seed.txt"])
    assert report.error and report.summary().startswith("Could not import")


def test_watch_option_needs_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "lib"), "--watch", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such folder to watch" in capsys.readouterr().err


def test_watch_option_is_for_the_app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "lib"), "--watch", str(tmp_path), "list"]) == 2
    assert "--watch is for the app" in capsys.readouterr().err
