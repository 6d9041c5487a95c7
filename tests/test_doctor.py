"""Damaged libraries: one clear line, nothing overwritten, and `newsreader doctor` to repair."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from newsreader.__main__ import main
from newsreader.doctor import STALE_TEMP_SECONDS, examine
from newsreader.errors import DamagedLibrary, LibraryError
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.catalog import SCHEMA_VERSION, open_catalog
from newsreader.library.schema import upgrade

from .conftest import CAPTURED, ROOT, SEEDS, one_file_layout

ASIDE = re.compile(r"\.damaged-\d{8}T\d{6}(-\d+)?$")


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, file: str) -> None:
    """The error is one line naming the file and pointing to doctor; never a traceback."""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("newsreader: ") and file in err
    assert err.rstrip().endswith("— run `newsreader doctor`")


def aside(folder: Path, name: str) -> list[Path]:
    """The damaged copies of `name` moved aside in `folder`."""
    return [p for p in folder.iterdir() if p.name.startswith(name) and ASIDE.search(p.name)]


def segment_of(library: Library) -> Path:
    return library.catalog.bodies_folder / f"{library.stories[0].segment}.json"


def test_a_healthy_library_is_reported_as_such(
    seeded: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, seeded.folder, "doctor")
    assert code == 0
    assert "library.json: 1 dump, 4 stories" in out and out.rstrip().endswith("healthy")


def test_doctor_on_a_missing_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, tmp_path / "nothing", "doctor")
    assert code == 2 and out == "" and "no library here" in err and "--repair" not in err
    assert not (tmp_path / "nothing").exists()


DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "garbage": lambda raw: b"\x00\xff\x13garbage" * 10,
    "empty": lambda raw: b"",
    "wrong shape": lambda raw: b"[1, 2, 3]",
    "tables of lists": lambda raw: b'{"dumps": [1, 2], "marks": [3]}',
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_library_json(
    seeded: Library, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    folder = seeded.folder
    target = folder / "library.json"
    damaged = DAMAGE[damage](target.read_bytes())
    target.write_bytes(damaged)
    for command in (["list"], ["import", str(SEEDS)], ["mark", "abc", "--read"], []):
        code, _, err = run(capsys, folder, *command)
        assert code == 2
        assert_one_line_error(err, "library.json")
        assert target.read_bytes() == damaged  # never overwritten
    code, out, _ = run(capsys, folder, "doctor")
    assert code == 1 and "library.json" in out
    assert target.read_bytes() == damaged
    code, out, _ = run(capsys, folder, "doctor", "--repair")
    assert code == 0, out
    assert "import your dumps again" in out
    [kept] = aside(folder, "library.json")
    assert kept.read_bytes() == damaged
    # Importing again brings the stories back, and their marks with them.
    starred = seeded.stories[0].id
    seeded.marks.set_many("starred", {starred: True})
    assert (
        run(capsys, folder, "import", "--captured-at", "2026-11-20T12:00:00Z", str(SEEDS))[0] == 0
    )
    assert Library(folder).is_starred(starred)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "wrong shape"])
def test_damaged_marks_json_is_rebuilt_from_the_log_and_salvaged(
    seeded: Library, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    folder = seeded.folder
    ids = [s.id for s in seeded.stories]
    seeded.set_starred(ids[:3], True)
    seeded.marks.compact()  # these three now live in marks.json only
    seeded.set_starred([ids[3]], True)  # and this one in marks.log
    target = folder / "marks.json"
    damaged = DAMAGE[damage](target.read_bytes())
    target.write_bytes(damaged)
    code, _, err = run(capsys, folder, "list")
    assert code == 2
    assert_one_line_error(err, "marks.json")
    assert run(capsys, folder, "doctor")[0] == 1
    code, out, _ = run(capsys, folder, "doctor", "--repair")
    assert code == 0 and "rebuilt from marks.log" in out
    assert aside(folder, "marks.json")[0].read_bytes() == damaged
    library = Library(folder)
    assert library.is_starred(ids[3])
    if damage == "truncated":  # the entries before the cut are salvaged
        assert "salvaged" in out
        assert library.is_starred(ids[0])


def test_damaged_body_segment(seeded: Library, capsys: pytest.CaptureFixture[str]) -> None:
    folder = seeded.folder
    segment = segment_of(seeded)
    damaged = segment.read_bytes()[:100]
    segment.write_bytes(damaged)
    first = seeded.stories[0].id
    for command in (["show", first], ["list", "--json"]):
        code, _, err = run(capsys, folder, *command)
        assert code == 2
        assert_one_line_error(err, segment.name)
    assert segment.read_bytes() == damaged
    code, out, _ = run(capsys, folder, "doctor", "--repair")
    assert code == 0, out
    assert "000_e213fecfa28b599e.txt" in out and "import them again" in out
    assert aside(segment.parent, segment.name)[0].read_bytes() == damaged
    assert len(Library(folder).stories) == 0
    run(capsys, folder, "import", str(SEEDS))
    assert len(Library(folder).stories) == 4
    assert examine(folder).healthy


def test_missing_body_segment(seeded: Library, capsys: pytest.CaptureFixture[str]) -> None:
    segment_of(seeded).unlink()
    code, _, err = run(capsys, seeded.folder, "show", seeded.stories[0].id)
    assert code == 2
    assert_one_line_error(err, "body file missing")
    report = examine(seeded.folder)
    assert any("whose body is gone" in p for p in report.problems)
    assert examine(seeded.folder, repair=True).healthy


def test_damaged_dedup_index_is_rebuilt_from_the_bodies(
    seeded: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = seeded.folder
    (folder / "dedup.npz").write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(capsys, folder, "import", str(SEEDS))
    assert code == 2
    assert_one_line_error(err, "dedup.npz")
    code, out, _ = run(capsys, folder, "doctor", "--repair")
    assert code == 0 and "rebuilt from the bodies of 4 stories" in out
    assert run(capsys, folder, "import", str(SEEDS))[0] == 0


def test_a_lost_dedup_index_is_rebuilt(seeded: Library) -> None:
    shutil.rmtree(seeded.folder / "dedup")
    report = examine(seeded.folder)
    assert any("4 stories missing" in p for p in report.problems)
    assert examine(seeded.folder, repair=True).healthy
    assert examine(seeded.folder).healthy


def test_newer_schema_is_refused_and_left_alone(
    seeded: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = seeded.folder
    data = json.loads((folder / "library.json").read_bytes())
    data["_meta"] = {"1": {"schema": SCHEMA_VERSION + 1}}
    newer = json.dumps(data).encode()
    (folder / "library.json").write_bytes(newer)
    code, _, err = run(capsys, folder, "list")
    assert code == 2 and err.count("\n") == 1 and "newer" in err and "Traceback" not in err
    code, out, _ = run(capsys, folder, "doctor", "--repair")
    assert code == 1 and "upgrade newsreader" in out
    assert (folder / "library.json").read_bytes() == newer


def test_orphan_segments_of_an_interrupted_import_are_deleted(seeded: Library) -> None:
    [orphan] = {f"{n}.json" for n in seeded.catalog.write_bodies([{"id": "x", "paragraphs": []}])}
    report = examine(seeded.folder)
    assert any("1 body segment(s) no dump refers to" in p for p in report.problems)
    assert (seeded.catalog.bodies_folder / orphan).exists()
    assert examine(seeded.folder, repair=True).healthy
    assert not (seeded.catalog.bodies_folder / orphan).exists()
    assert len(Library(seeded.folder).stories) == 4


def test_bodies_are_kept_while_library_json_is_damaged(seeded: Library) -> None:
    (seeded.folder / "library.json").write_bytes(b"{")
    examine(seeded.folder, repair=True)
    assert segment_of(seeded).exists()  # library.json.damaged-… may still be restored


def test_log_lines_that_do_not_parse(seeded: Library, capsys: pytest.CaptureFixture[str]) -> None:
    sid = seeded.stories[0].id
    seeded.set_starred([sid], True)
    with (seeded.folder / "marks.log").open("ab") as log:
        log.write(b'{"id": "torn\n\x00\x01 noise\n{"id":')
    seeded.set_starred([seeded.stories[1].id], True)
    code, out, _ = run(capsys, seeded.folder, "doctor")
    assert code == 1 and "marks.log: 3 line(s) that do not parse" in out
    assert examine(seeded.folder, repair=True).healthy
    library = Library(seeded.folder)
    assert library.is_starred(sid) and library.is_starred(seeded.stories[1].id)
    assert aside(seeded.folder, "marks.log")


def test_permissions_are_reported_and_fixed(seeded: Library) -> None:
    folder = seeded.folder
    (folder / "library.json").chmod(0o644)
    folder.chmod(0o755)
    report = examine(folder)
    assert any("not private" in p and "library.json 0o644" in p for p in report.problems)
    assert examine(folder, repair=True).healthy
    assert stat.S_IMODE((folder / "library.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_stale_temp_files_are_deleted_fresh_ones_kept(seeded: Library) -> None:
    stale, fresh = seeded.folder / ".library.json.abc.tmp", seeded.folder / ".marks.json.x.tmp"
    stale.write_bytes(b"{}")
    fresh.write_bytes(b"{}")
    old = stale.stat().st_mtime - STALE_TEMP_SECONDS - 5
    os.utime(stale, (old, old))
    assert any("1 temp file(s)" in p for p in examine(seeded.folder).problems)
    assert examine(seeded.folder, repair=True).healthy
    assert not stale.exists() and fresh.exists()  # a write may still be using it


def test_doctor_waits_for_a_running_import(seeded: Library) -> None:
    fd = os.open(seeded.folder / "import.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        report = examine(seeded.folder, repair=True)
    finally:
        os.close(fd)
    assert any("an import is running" in p for p in report.problems)


# ---- the schema version and its migrations ----------------------------------------------


def version_zero(seeded: Library) -> bytes:
    """Make the seeded library a version-0 one: every dump in library.json, no `_meta` table."""
    return one_file_layout(seeded.folder, version=None)


def test_version_zero_library_is_upgraded_on_open(seeded: Library) -> None:
    ids = [s.id for s in seeded.stories]
    version_zero(seeded)
    library = Library(seeded.folder)
    assert [s.id for s in library.stories] == ids
    data = orjson.loads((seeded.folder / "library.json").read_bytes())
    assert list(data["_meta"].values()) == [{"schema": SCHEMA_VERSION}]
    [segment] = (seeded.folder / "catalog").glob("*.json")
    assert "_meta" not in orjson.loads(segment.read_bytes())


def test_migrations_run_in_order_from_the_stored_version(seeded: Library) -> None:
    version_zero(seeded)
    seen: list[int] = []

    def step(data: dict[str, object]) -> dict[str, object]:
        seen.append(0)
        return {**data, "_meta": {"1": {"schema": 1}}, "note": {"1": {"by": "migration"}}}

    catalog = open_catalog(seeded.folder)
    assert upgrade(catalog, seeded.folder, {0: step}) == 0
    assert seen == [0]
    assert upgrade(catalog, seeded.folder, {0: step}) is None  # done once only
    [segment] = (seeded.folder / "catalog").glob("*.json")
    assert orjson.loads(segment.read_bytes())["note"] == {"1": {"by": "migration"}}


def test_a_missing_migration_is_a_clear_error(seeded: Library) -> None:
    version_zero(seeded)
    with pytest.raises(LibraryError, match="no way to upgrade"):
        upgrade(open_catalog(seeded.folder), seeded.folder, {})


def test_doctor_upgrades_a_version_zero_library(seeded: Library) -> None:
    version_zero(seeded)
    assert any("schema version 0" in p for p in examine(seeded.folder).problems)
    assert examine(seeded.folder, repair=True).healthy


def test_damaged_library_error_type() -> None:
    error = DamagedLibrary("/x/library.json", "damaged JSON")
    assert isinstance(error, LibraryError)
    assert str(error) == "/x/library.json: damaged JSON — run `newsreader doctor`"


def test_a_fresh_library_opens_after_repair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lib"
    library = Library(folder)
    import_paths(library, [SEEDS], CAPTURED)
    (folder / "library.json").write_bytes(b"{}garbage")
    (folder / "marks.json").write_bytes(b"nonsense")
    (folder / "dedup.npz").write_bytes(b"")
    code, out, _ = run(capsys, folder, "doctor", "--repair")
    assert code == 0, out
    assert run(capsys, folder, "list")[0] == 0


# ---- the app meets a damaged file -------------------------------------------------------


async def test_app_ends_with_the_error_when_a_body_file_is_gone(seeded: Library) -> None:
    from newsreader.config import Config
    from newsreader.ui.app import NewsReader

    segment_of(seeded).unlink()
    app = NewsReader(seeded, Config())
    async with app.run_test(size=(120, 30)):  # wide: the reader shows the first story at once
        pass
    assert isinstance(app.library_error, DamagedLibrary)
    assert app.return_code == 2
    assert str(app.library_error).endswith("body file missing — run `newsreader doctor`")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_app_in_a_terminal_reports_damage_in_one_line(seeded: Library) -> None:
    segment_of(seeded).unlink()
    session = f"newsreader-doctor-{os.getpid()}"
    command = (
        f"env -u COLUMNS -u LINES {sys.executable} -m newsreader --db {seeded.folder}; "
        "echo exit status $?; sleep 30"
    )
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "30", "-c", str(ROOT),
         command],
        check=True,
    )  # fmt: skip
    try:
        deadline, screen = time.monotonic() + 30, ""
        while "exit status" not in screen and time.monotonic() < deadline:
            time.sleep(0.2)
            if "Open" in screen:  # shown narrow after all: open the story
                subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
        assert "Traceback" not in screen
        message, _, status = screen.rpartition("exit status ")
        assert status.strip() == "2", screen
        message = "".join(message.splitlines()).strip()  # a long path wraps on the screen
        assert message.startswith("newsreader: ") and str(seeded.folder) in message
        assert message.endswith("body file missing — run `newsreader doctor`")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_damaged_search_index_is_moved_aside_and_rebuilt(
    seeded: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.query import parse_query
    from newsreader.search.index import find

    query = parse_query("Putin", CAPTURED)
    found = find(Library(seeded.folder), query).ids
    assert found
    for part in (seeded.folder / "search").glob("*.terms.npy"):
        part.write_bytes(b"garbage")
    with pytest.raises(DamagedLibrary, match="damaged search index"):
        find(Library(seeded.folder), query)
    report = examine(seeded.folder)
    assert any("damaged search index" in p for p in report.problems)
    assert examine(seeded.folder, repair=True).healthy
    assert find(Library(seeded.folder), query).ids == found
    assert examine(seeded.folder).healthy
