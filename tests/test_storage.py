"""Atomic TinyDB storage, the append log and file permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from tinydb import TinyDB

from newsreader.errors import LibraryError
from newsreader.storage import AppendLog, AtomicJSONStorage, make_private_folder, write_atomic


def test_tinydb_round_trip_through_atomic_storage(tmp_path: Path) -> None:
    db = TinyDB(tmp_path / "x.json", storage=AtomicJSONStorage)
    db.insert({"a": 1})
    db.close()
    again = TinyDB(tmp_path / "x.json", storage=AtomicJSONStorage)
    assert again.all() == [{"a": 1}]


def test_write_leaves_no_temp_files_and_is_private(tmp_path: Path) -> None:
    write_atomic(tmp_path / "f.json", b"{}")
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
    assert stat.S_IMODE((tmp_path / "f.json").stat().st_mode) == 0o600


def test_private_folder_mode(tmp_path: Path) -> None:
    make_private_folder(tmp_path / "lib")
    assert stat.S_IMODE((tmp_path / "lib").stat().st_mode) == 0o700


def test_storage_sees_a_write_by_another_handle(tmp_path: Path) -> None:
    first = AtomicJSONStorage(tmp_path / "x.json")
    second = AtomicJSONStorage(tmp_path / "x.json")
    first.write({"t": {"1": {"v": 1}}})
    assert second.read() == {"t": {"1": {"v": 1}}}
    second.write({"t": {"1": {"v": 2}}})
    assert first.read() == {"t": {"1": {"v": 2}}}


@pytest.mark.parametrize("content", [b"", b'{"_default": {', b"\x00\x01garbage"])
def test_damaged_file_raises_library_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "library.json"
    path.write_bytes(content)
    with pytest.raises(LibraryError, match=r"library\.json"):
        AtomicJSONStorage(path).read()
    assert path.read_bytes() == content  # never overwritten


def test_log_appends_and_reads_incrementally(tmp_path: Path) -> None:
    log = AppendLog(tmp_path / "m.log")
    log.append([{"a": 1}])
    records, offset = log.read_from(0)
    assert records == [{"a": 1}]
    log.append([{"b": 2}, {"c": 3}])
    records, _ = log.read_from(offset)
    assert records == [{"b": 2}, {"c": 3}]


def test_torn_last_line_does_not_swallow_the_next_record(tmp_path: Path) -> None:
    path = tmp_path / "m.log"
    log = AppendLog(path)
    log.append([{"a": 1}])
    with path.open("ab") as handle:
        handle.write(b'{"b": ')  # a crash in the middle of an append
    log.append([{"c": 3}])
    records, _ = log.read_from(0)
    assert records == [{"a": 1}, {"c": 3}]


def test_compact_hands_every_record_then_empties(tmp_path: Path) -> None:
    log = AppendLog(tmp_path / "m.log")
    log.append([{"a": 1}, {"b": 2}])
    seen: list[dict[str, int]] = []
    log.compact(seen.extend)
    assert seen == [{"a": 1}, {"b": 2}]
    assert log.size() == 0
