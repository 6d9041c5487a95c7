"""The command line contract: what scripts and acceptance checks rely on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.__main__ import main

from .conftest import SEED, SEEDS

KEYS = {
    "id", "title", "source", "age", "age_now", "published", "captured_at", "authors",
    "paragraphs", "role",
    "main_id", "dump", "read", "starred", "duplicate_of", "tags",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], db: Path, *flags: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--db", str(db), "list", "--json", *flags)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def test_import_then_list_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "x"
    code, out, err = run(capsys, "--db", str(db), "import", str(SEEDS))
    assert code == 0, err
    assert out == (
        "1 dump read (0 already in the library), 4 stories added, 1 duplicate hidden, "
        "0 files rejected\n"
    )
    everything = listed(capsys, db, "--all")
    assert len(everything) == 4
    assert all(set(story) == KEYS for story in everything)
    shown = listed(capsys, db)
    assert len(shown) == 3
    hidden = [s for s in everything if s["duplicate_of"]]
    assert len(hidden) == 1 and hidden[0]["source"] == "Mint"
    main_story = next(s for s in everything if s["role"] == "main")
    assert main_story["main_id"] is None
    assert all(s["main_id"] == main_story["id"] for s in everything if s["role"] == "related")
    assert {s["dump"] for s in everything} == {SEED.name}


def test_list_is_newest_first(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "x"
    run(capsys, "--db", str(db), "import", "--captured-at", "2026-11-20T12:00:00Z", str(SEED))
    published = [s["published"] for s in listed(capsys, db, "--all")]
    assert published == sorted(published, reverse=True)  # type: ignore[type-var]
    assert published[-1] == "2026-11-20T02:00:00Z"  # the main story: 10 hours before capture


def test_reimport_adds_nothing_and_keeps_marks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "x"
    run(capsys, "--db", str(db), "import", str(SEEDS))
    first = listed(capsys, db)[0]["id"]
    assert run(capsys, "--db", str(db), "mark", str(first), "--star")[0] == 0
    copy = tmp_path / "again"
    copy.mkdir()
    shutil.copy(SEED, copy / "renamed.txt")
    code, out, _ = run(capsys, "--db", str(db), "import", str(SEEDS), str(copy))
    assert code == 0 and "0 stories added" in out
    stories = listed(capsys, db, "--all")
    assert len(stories) == 4
    assert [s["starred"] for s in stories if s["id"] == first] == [True]


def test_mark_read_unread_star_unstar(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "x"
    run(capsys, "--db", str(db), "import", str(SEEDS))
    story = next(s for s in listed(capsys, db) if s["role"] == "main")
    sid = str(story["id"])
    for flag, key, value in [
        ("--read", "read", True), ("--star", "starred", True),
        ("--unread", "read", False), ("--unstar", "starred", False),
    ]:  # fmt: skip
        assert run(capsys, "--db", str(db), "mark", sid, flag)[0] == 0
        assert next(s for s in listed(capsys, db) if s["id"] == sid)[key] is value
    run(capsys, "--db", str(db), "mark", sid, "--read")
    assert all(s["read"] is False for s in listed(capsys, db, "--unread"))
    run(capsys, "--db", str(db), "mark", sid, "--star")
    assert [s["id"] for s in listed(capsys, db, "--starred")] == [sid]


def test_show_prints_readable_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "x"
    run(capsys, "--db", str(db), "import", str(SEEDS))
    story = next(s for s in listed(capsys, db) if s["role"] == "main")
    code, out, _ = run(capsys, "--db", str(db), "show", str(story["id"])[:8])
    assert code == 0
    assert out.startswith("How Trump and Putin Reached a New Make-or-Break Moment on Ukraine\n")
    assert "By Alexander Ward, Alex Leary, Matthew Luxmoore" in out
    assert max(len(line) for line in out.splitlines()) <= 78


def test_show_lists_the_other_versions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "x"
    run(capsys, "--db", str(db), "import", str(SEEDS))
    hidden = next(s for s in listed(capsys, db, "--all") if s["duplicate_of"])
    _, out, _ = run(capsys, "--db", str(db), "show", str(hidden["duplicate_of"]))
    assert "Other versions:" in out and str(hidden["id"]) in out


def test_bad_file_is_named_and_the_rest_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 4)
    db = tmp_path / "x"
    code, out, err = run(capsys, "--db", str(db), "import", str(folder))
    assert code == 1
    assert "empty.txt" in err and "binary.bin" in err
    assert "2 files rejected" in out
    assert len(listed(capsys, db, "--all")) == 4


def test_unknown_id_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run(capsys, "--db", str(tmp_path / "x"), "import", str(SEEDS))
    code, _, err = run(capsys, "--db", str(tmp_path / "x"), "show", "nope")
    assert code == 2 and "matches no story" in err and "Traceback" not in err


def test_damaged_library_is_reported_and_kept(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "x"
    run(capsys, "--db", str(db), "import", str(SEEDS))
    damaged = b'{"dumps": {"1": {"sto'
    (db / "library.json").write_bytes(damaged)
    code, _, err = run(capsys, "--db", str(db), "import", str(SEEDS))
    assert code == 2 and "library.json" in err and "damaged" in err
    assert (db / "library.json").read_bytes() == damaged


@pytest.mark.parametrize("command", [[], ["import"], ["list"], ["show"], ["mark"], ["group"]])
def test_help_on_every_command(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", *command, "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "usage: newsreader" in result.stdout


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("newsreader ")


def test_output_cut_short_by_a_pipe_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import os

    db = tmp_path / "x"
    assert main(["--db", str(db), "import", str(SEEDS)]) == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone, as `| head` does once it has its lines
    closed = io.TextIOWrapper(io.FileIO(write_end, "w"), write_through=True)
    monkeypatch.setattr(sys, "stdout", closed)
    assert main(["--db", str(db), "list", "--json", "--all"]) == 0
