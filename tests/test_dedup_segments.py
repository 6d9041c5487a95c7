"""The duplicate index on disk as segments: a save appends, merges stay few, old files read."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from newsreader import dedup
from newsreader.dedup import FILE_NAME, DuplicateIndex
from newsreader.dedup_segments import FOLDER
from newsreader.errors import DamagedLibrary

from .test_dedup import words


def grown(index: DuplicateIndex, start: int, stop: int) -> DuplicateIndex:
    """`index` with stories `start`..`stop` added (each its own text)."""
    for i in range(start, stop):
        index.add(str(i), "T", [words(i, 60 + i % 7)])
    return index


def files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each segment file: (inode, mtime)."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted((folder / FOLDER).glob("*.npz"))
    }


def test_a_save_appends_the_rows_added_since_the_last(tmp_path: Path) -> None:
    index = grown(DuplicateIndex(), 0, 300)
    index.save(tmp_path)
    first = files(tmp_path)
    grown(index, 300, 310).save(tmp_path)
    after = files(tmp_path)
    assert len(after) == 2 and {name: after[name] for name in first} == first
    loaded = DuplicateIndex.load(tmp_path)
    assert len(loaded) == 310
    assert loaded.find("new", "T", [words(305, 60 + 305 % 7)]) == ["305"]
    assert loaded.find("new", "T", [words(5, 65)]) == ["5"]


def test_a_save_with_nothing_new_writes_nothing(tmp_path: Path) -> None:
    index = grown(DuplicateIndex(), 0, 20)
    index.save(tmp_path)
    before = files(tmp_path)
    index.save(tmp_path)
    DuplicateIndex.load(tmp_path).save(tmp_path)
    assert files(tmp_path) == before


def test_segments_merge_as_a_binary_counter_carries(tmp_path: Path) -> None:
    index = DuplicateIndex()
    for step in range(8):
        grown(index, step * 10, step * 10 + 10).save(tmp_path)
        index = DuplicateIndex.load(tmp_path)
    assert len(index) == 80
    assert len(files(tmp_path)) == 1  # 10 + 10 → 20, + 10 + 10 → 40, … → 80
    grown(index, 80, 90).save(tmp_path)
    assert len(files(tmp_path)) == 2
    assert len(DuplicateIndex.load(tmp_path)) == 90


def test_a_big_segment_is_not_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dedup, "MERGE_UPTO", 15)
    index = grown(DuplicateIndex(), 0, 20)
    index.save(tmp_path)
    big = files(tmp_path)
    for step in range(3):
        grown(index, 20 + step * 20, 40 + step * 20).save(tmp_path)
    after = files(tmp_path)
    assert {name: after[name] for name in big} == big and len(after) == 4


def test_an_index_file_from_before_segments_is_read_first_then_merged_away(
    tmp_path: Path,
) -> None:
    index = grown(DuplicateIndex(), 0, 40)
    index.save(tmp_path)
    [segment] = (tmp_path / FOLDER).iterdir()
    shutil.move(segment, tmp_path / FILE_NAME)  # the one file an older newsreader wrote
    shutil.rmtree(tmp_path / FOLDER)
    old = DuplicateIndex.load(tmp_path)
    assert len(old) == 40
    grown(old, 40, 50).save(tmp_path)
    assert (tmp_path / FILE_NAME).exists() and len(files(tmp_path)) == 1  # appended
    loaded = DuplicateIndex.load(tmp_path)
    assert len(loaded) == 50 and loaded.find("n", "T", [words(3, 63)]) == ["3"]
    grown(loaded, 50, 100).save(tmp_path)  # 50 new rows: both older ones merge into them
    assert not (tmp_path / FILE_NAME).exists() and len(files(tmp_path)) == 1
    assert len(DuplicateIndex.load(tmp_path)) == 100


def test_segments_a_merge_replaced_are_skipped_and_then_deleted(tmp_path: Path) -> None:
    index = grown(DuplicateIndex(), 0, 10)
    index.save(tmp_path)
    [small] = (tmp_path / FOLDER).iterdir()
    kept = small.read_bytes()
    grown(index, 10, 30).save(tmp_path)  # merged: the first segment is replaced
    assert not small.exists()
    small.write_bytes(kept)  # as if the save had stopped before deleting it
    loaded = DuplicateIndex.load(tmp_path)
    assert len(loaded) == 30
    grown(loaded, 30, 31).save(tmp_path)
    assert not small.exists()


def test_an_index_not_read_from_the_folder_replaces_what_is_there(tmp_path: Path) -> None:
    grown(DuplicateIndex(), 0, 10).save(tmp_path)
    grown(DuplicateIndex(), 100, 105).save(tmp_path)  # a rebuild, say
    assert len(files(tmp_path)) == 1
    loaded = DuplicateIndex.load(tmp_path)
    assert len(loaded) == 5 and "100" in loaded and "0" not in loaded


def test_a_damaged_segment_is_named(tmp_path: Path) -> None:
    index = grown(DuplicateIndex(), 0, 40)
    index.save(tmp_path)
    grown(index, 40, 45).save(tmp_path)
    newest = sorted((tmp_path / FOLDER).iterdir())[-1]
    newest.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DamagedLibrary, match=newest.name):
        DuplicateIndex.load(tmp_path)


def test_rows_read_across_segments_are_those_added(tmp_path: Path) -> None:
    whole = grown(DuplicateIndex(), 0, 60)
    parts = grown(DuplicateIndex(), 0, 40)
    parts.save(tmp_path)
    grown(parts, 40, 60).save(tmp_path)
    loaded = DuplicateIndex.load(tmp_path)
    assert len(loaded._sketch.parts) == 2
    rows = np.array([59, 3, 41, 0, 40, 39], dtype=np.int64)  # out of order, both segments
    for ours, theirs in ((loaded._overlap, whole._overlap),):
        for column in ("marks", "facts"):
            got = getattr(ours, column).gather(rows)
            want = getattr(theirs, column).gather(rows)
            assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))
            assert np.array_equal(getattr(ours, column).row(41), getattr(theirs, column).row(41))
    assert all(np.array_equal(loaded._numbers.row(r), whole._numbers.row(r)) for r in range(60))
    assert np.array_equal(loaded._sketch.take(rows), whole._sketch.take(rows))
    assert [loaded._ids[r] for r in rows.tolist()] == [str(r) for r in rows.tolist()]
    assert np.array_equal(loaded._holders, whole._holders)
    assert "59" in loaded and "60" not in loaded


def test_saved_rows_are_read_from_the_file_not_held_in_memory(tmp_path: Path) -> None:
    index = grown(DuplicateIndex(), 0, 50)
    index.save(tmp_path)
    for loaded in (index, DuplicateIndex.load(tmp_path)):
        assert len(loaded._sketch.tail()) == 0 and loaded._overlap.marks.ends.tail().size == 0
        [sketch] = loaded._sketch.parts
        assert not sketch.flags.writeable and not sketch.flags.owndata  # a view of the file
        assert loaded.find("x", "T", [words(7, 60 + 7 % 7)]) == ["7"]


def test_only_the_live_segments_stay_mapped_after_saves_merge_them(tmp_path: Path) -> None:
    index = DuplicateIndex()
    for stop in (10, 20, 40, 45, 80):
        grown(index, len(index), stop).save(tmp_path)
        assert len(index._maps) == len(index._disk) == len(files(tmp_path))
    assert index.find("x", "T", [words(33, 60 + 33 % 7)]) == ["33"]


def test_a_segment_written_compressed_is_read_into_memory(tmp_path: Path) -> None:
    grown(DuplicateIndex(), 0, 30).save(tmp_path)
    [path] = (tmp_path / FOLDER).iterdir()
    with np.load(path) as saved:
        arrays = {name: saved[name] for name in saved.files}
    np.savez_compressed(path, **arrays)
    loaded = DuplicateIndex.load(tmp_path)
    assert loaded._sketch.parts[0].flags.writeable  # read, not a view of the mapped file
    assert loaded.find("x", "T", [words(12, 60 + 12 % 7)]) == ["12"]
