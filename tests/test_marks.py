"""Marks: durable, later-wins, shared between processes, mergeable between copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.errors import DamagedLibrary
from newsreader.library import marks_file
from newsreader.library.marks import MarkState


def test_set_and_reopen(tmp_path: Path) -> None:
    MarkState(tmp_path).set_many("read", {"a": True, "b": True})
    again = MarkState(tmp_path)
    assert again.get("a", "read") is True
    assert again.get("c", "read") is None


def test_later_change_wins(tmp_path: Path) -> None:
    marks = MarkState(tmp_path)
    marks.set_many("starred", {"a": True})
    marks.set_many("starred", {"a": False})
    assert MarkState(tmp_path).get("a", "starred") is False


def test_compaction_keeps_every_mark(tmp_path: Path) -> None:
    marks = MarkState(tmp_path)
    marks.set_many("read", {f"s{n}": True for n in range(50)})
    marks.set_many("read", {"s3": False})
    marks.compact()
    assert marks.log.size() == 0
    again = MarkState(tmp_path)
    assert again.get("s0", "read") is True
    assert again.get("s3", "read") is False


def test_refresh_sees_another_process(tmp_path: Path) -> None:
    mine, theirs = MarkState(tmp_path), MarkState(tmp_path)
    theirs.set_many("starred", {"x": True})
    assert mine.refresh() is True
    assert mine.get("x", "starred") is True
    theirs.compact()
    theirs.set_many("starred", {"y": True})
    mine.refresh()
    assert mine.get("x", "starred") is True
    assert mine.get("y", "starred") is True


def test_merge_two_copies_keeps_both_sides(tmp_path: Path) -> None:
    laptop, server = MarkState(tmp_path / "a"), MarkState(tmp_path / "b")
    laptop.set_many("read", {"one": True})
    server.set_many("read", {"two": True})
    server.set_many("read", {"one": False})  # later than the laptop's mark: it wins
    assert laptop.merge_from(server) == 2
    assert laptop.get("one", "read") is False
    assert laptop.get("two", "read") is True


def test_a_snapshot_read_in_pieces_holds_every_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marks = MarkState(tmp_path)
    marks.set_many("read", {f"s{n}": n % 3 > 0 for n in range(400)})
    marks.set_many("starred", {f"s{n}": True for n in range(0, 400, 7)})
    # Text that looks like the cut between two documents, inside a value.
    marks.set_many("tags", {"s5": ['x},"12":{"id":"y', "}}"], "s6": ["{"]})
    marks.compact()
    whole = MarkState(tmp_path).records()
    monkeypatch.setattr(marks_file, "PIECE_BYTES", 64)
    cut = MarkState(tmp_path)
    raw = (tmp_path / "marks.json").read_bytes()
    assert len(list(marks_file.documents_in(raw))) == 400  # cut, not read whole
    assert sorted(map(str, cut.records())) == sorted(map(str, whole))
    assert cut.get("s5", "tags") == ['x},"12":{"id":"y', "}}"]
    assert len(whole) == 400 + len(range(0, 400, 7)) + 2


def test_a_damaged_snapshot_is_named_when_read_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marks = MarkState(tmp_path)
    marks.set_many("read", {f"s{n}": True for n in range(100)})
    marks.compact()
    raw = (tmp_path / "marks.json").read_bytes()
    (tmp_path / "marks.json").write_bytes(raw[:200] + b"@@" + raw[202:])
    monkeypatch.setattr(marks_file, "PIECE_BYTES", 64)
    with pytest.raises(DamagedLibrary, match=r"marks\.json"):
        MarkState(tmp_path)
