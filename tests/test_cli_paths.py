"""Where the library is: only the commands that make one make one; a wrong path says why."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from newsreader.__main__ import main

from .conftest import SEED, SEEDS

READING = [
    ["list"],
    ["list", "--json"],
    ["show", "abc"],
    ["export", "--starred"],
    ["doctor"],
    ["mark", "abc", "--read"],
    ["mark", "--query", "trump", "--read", "--yes"],
    ["group", "abc", "def"],
    ["ungroup", "abc"],
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_a_mistyped_library_path_is_not_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "libary"
    code, out, err = run(capsys, "--db", str(typo), *command)
    assert code == 2 and out == ""
    assert err == (
        f"newsreader: {typo}: no library here "
        "(nothing imported yet? `newsreader import` makes one)\n"
    )
    assert "--repair" not in err
    assert not typo.exists()


def test_a_folder_that_is_not_a_library_is_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, _, err = run(capsys, "--db", str(folder), "list")
    assert code == 2 and "not a newsreader library" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("command", [[], ["import", str(SEED)], ["merge", "other"], ["list"]])
def test_a_file_given_as_the_library_is_named_as_such(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    file = tmp_path / "library"
    file.write_text("not a folder")
    code, _, err = run(capsys, "--db", str(file), *command)
    assert code == 2
    assert err == f"newsreader: {file} is a file, not a library folder\n"
    assert "File exists" not in err and file.read_text() == "not a folder"


def test_a_file_on_the_way_to_the_library_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = tmp_path / "notes"
    file.write_text("")
    code, _, err = run(capsys, "--db", str(file / "library"), "import", str(SEED))
    assert code == 2 and err == f"newsreader: {file / 'library'}: {file} is a file, not a folder\n"


def test_import_makes_the_library_and_then_reading_works(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "new" / "library"
    assert run(capsys, "--db", str(db), "import", str(SEEDS))[0] == 0
    code, out, _ = run(capsys, "--db", str(db), "list")
    assert code == 0 and len(out.splitlines()) == 3


def test_a_dump_warns_once_not_at_every_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cut = tmp_path / "cut.txt"
    cut.write_bytes(SEED.read_bytes()[: len(SEED.read_bytes()) * 2 // 3])
    db = tmp_path / "library"
    code, _, first = run(capsys, "--db", str(db), "import", str(cut))
    assert code == 0 and "newsreader: warning: cut.txt: " in first
    shutil.copy(SEED, tmp_path / "whole.txt")
    code, out, again = run(capsys, "--db", str(db), "import", str(cut), str(tmp_path / "whole.txt"))
    assert code == 0 and "1 already in the library" in out
    assert "warning" not in again


def test_doctor_on_a_library_that_is_there_still_checks_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "library"
    run(capsys, "--db", str(db), "import", str(SEEDS))
    code, out, _ = run(capsys, "--db", str(db), "doctor")
    assert code == 0 and out.rstrip().endswith("healthy")


def test_the_installed_command_on_a_mistyped_path(tmp_path: Path) -> None:
    command = shutil.which("newsreader")
    if command is None:
        pytest.skip("the newsreader command is not installed")
    typo = tmp_path / "libary"
    result = subprocess.run(
        [command, "--db", str(typo), "list"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"newsreader: {typo}: no library here")
    assert result.stderr.count("\n") == 1 and not typo.exists()
