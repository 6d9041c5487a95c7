"""Every command on a full disk, a read-only library and a held lock: one line, nothing lost."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.__main__ import main
from newsreader.bench.corpus import generate
from newsreader.doctor import examine
from newsreader.library import Library
from tests.conftest import SEED
from tests.faults import InjectedFsync, fill, injected, remount, small_disk

__all__ = ["injected"]


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it."""
    return subprocess.run(["newsreader", *argv], capture_output=True, text=True, timeout=120)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a library but its lock, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "import.lock"
    }


def one_line(stderr: str) -> str:
    """The single line a failed command printed (asserting there is only one)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def first_id(library: Path) -> str:
    with_ids = Library(library)
    try:
        return with_ids.visible()[0].id
    finally:
        with_ids.close()


# ---- a full disk ---------------------------------------------------------------------------


def test_mark_on_a_full_disk_fails_in_one_line_and_works_once_space_is_back(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk", "600k") as disk:
        library = disk / "library"
        assert run("--db", str(library), "import", str(SEED)).returncode == 0
        story = first_id(library)
        filler = fill(disk)
        done = run("--db", str(library), "mark", story, "--star")
        assert done.returncode == 2
        line = one_line(done.stderr)
        assert str(library / "marks.log") in line and "disk full — mark not saved" in line
        filler.unlink()
        assert run("--db", str(library), "mark", story, "--star").returncode == 0
        reopened = Library(library)
        assert reopened.is_starred(story)
        reopened.close()


def test_import_on_a_full_disk_removes_what_it_wrote(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "corpus", 300, seed=1)
    with small_disk(tmp_path / "disk", "700k") as disk:
        library = disk / "library"
        assert run("--db", str(library), "import", str(SEED)).returncode == 0
        before = files_of(library)
        done = run("--db", str(library), "import", str(corpus))
        assert done.returncode == 2
        line = one_line(done.stderr)
        assert str(library) in line and "disk full — import stopped" in line
        assert files_of(library) == before
        report = examine(library)
        assert report.healthy, report.problems


def test_injected_full_disk_mark_fails_in_one_line(
    seeded: Library, injected: InjectedFsync, capsys: pytest.CaptureFixture[str]
) -> None:
    story = seeded.visible()[0].id
    injected.fail(errno.ENOSPC)
    assert main(["--db", str(seeded.folder), "mark", story, "--read"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line == f"newsreader: {seeded.folder / 'marks.log'}: disk full — mark not saved"
    injected.heal()
    assert main(["--db", str(seeded.folder), "mark", story, "--read"]) == 0
    reopened = Library(seeded.folder)
    assert reopened.is_read(story)
    reopened.close()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "disk full"),
        (errno.EIO, "input/output error (the disk failed)"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "library is read-only"),
    ],
)
def test_injected_fault_in_an_import_leaves_the_library_as_it_was(
    seeded: Library,
    injected: InjectedFsync,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    code: int,
    words: str,
) -> None:
    corpus = generate(tmp_path / "corpus", 60, seed=2)
    folder = seeded.folder
    seeded.close()
    before = files_of(folder)
    injected.fail(code, after=2)  # some bodies are written, then the disk fails
    assert main(["--db", str(folder), "import", str(corpus)]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"newsreader: {folder}") and f"{words} — import stopped" in line
    injected.heal()
    assert files_of(folder) == before
    assert examine(folder).healthy


@pytest.mark.parametrize("command", ["group", "ungroup", "merge"])
def test_injected_full_disk_in_other_writing_commands_is_one_line(
    seeded: Library,
    injected: InjectedFsync,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: str,
) -> None:
    ids = [meta.id for meta in seeded.visible()]
    other = Library(tmp_path / "other")  # a copy that starred a story this one has
    other.marks.set_many("starred", {ids[0]: True})
    other.close()
    argv = {"group": [ids[0], ids[1]], "ungroup": [ids[0]], "merge": [str(other.folder)]}[command]
    injected.fail(errno.ENOSPC)
    assert main(["--db", str(seeded.folder), command, *argv]) == 2
    assert "disk full" in one_line(capsys.readouterr().err)


def test_export_to_a_full_disk_is_one_line(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "64k") as disk:
        library = tmp_path / "library"
        assert run("--db", str(library), "import", str(SEED)).returncode == 0
        story = first_id(library)
        assert run("--db", str(library), "mark", story, "--star").returncode == 0
        fill(disk)
        done = run("--db", str(library), "export", "--starred", "-o", str(disk / "out.md"))
        assert done.returncode == 2
        assert "disk full" in one_line(done.stderr)


# ---- a read-only library -------------------------------------------------------------------


def test_read_only_library_reads_but_refuses_import_and_mark(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "2m") as disk:
        library = disk / "library"
        assert run("--db", str(library), "import", str(SEED)).returncode == 0
        story = first_id(library)
        before = files_of(library)
        remount(disk, read_only=True)
        listed = run("--db", str(library), "list")
        assert listed.returncode == 0 and story in listed.stdout
        assert run("--db", str(library), "show", story).returncode == 0
        marked = run("--db", str(library), "mark", story, "--read")
        assert marked.returncode == 2
        assert one_line(marked.stderr) == (
            f"newsreader: {library}: library is read-only — mark not saved"
        )
        imported = run("--db", str(library), "import", str(SEED))
        assert imported.returncode == 2
        assert "library is read-only — nothing imported" in one_line(imported.stderr)
        doctor = run("--db", str(library), "doctor")
        assert doctor.returncode == 0, doctor.stdout
        remount(disk, read_only=False)
        assert files_of(library) == before


def test_injected_read_only_is_found_at_the_first_failed_write(
    seeded: Library, injected: InjectedFsync, capsys: pytest.CaptureFixture[str]
) -> None:
    story = seeded.visible()[0].id
    injected.fail(errno.EROFS)
    assert main(["--db", str(seeded.folder), "mark", story, "--read"]) == 2
    assert "library is read-only — mark not saved" in one_line(capsys.readouterr().err)
    assert not seeded.is_read(story)
    with pytest.raises(Exception, match="read-only"):
        seeded.set_read([story])
    assert seeded.read_only and not seeded.is_read(story)


# ---- a held lock ---------------------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from newsreader.locks import hold
with hold(Path(sys.argv[1]), "import"):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def held_lock(seeded: Library) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Another process holding the library's import lock, stopped (as by SIGSTOP or a hung NFS)."""
    folder = seeded.folder
    seeded.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder / "import.lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    os.kill(holder.pid, signal.SIGSTOP)
    yield holder, folder
    holder.kill()
    holder.wait()


def test_a_waiting_import_says_who_holds_the_lock_and_ctrl_c_ends_it(
    held_lock: tuple[subprocess.Popen[str], Path],
) -> None:
    holder, folder = held_lock
    waiting = subprocess.Popen(
        ["newsreader", "--db", str(folder), "import", str(SEED)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert waiting.stderr is not None
    started = time.monotonic()
    line = waiting.stderr.readline()
    assert f"waiting for another import, pid {holder.pid}, started " in line
    assert time.monotonic() - started < 5  # a start-up of the command, then at once
    time.sleep(0.3)
    assert waiting.poll() is None  # still waiting
    waiting.send_signal(signal.SIGINT)
    assert waiting.wait(timeout=10) == 130
    assert "Traceback" not in waiting.stderr.read()


def test_no_wait_fails_at_once_naming_the_holder(
    held_lock: tuple[subprocess.Popen[str], Path],
) -> None:
    holder, folder = held_lock
    done = run("--db", str(folder), "--no-wait", "import", str(SEED))
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert f"held by another import, pid {holder.pid}" in line and "--no-wait" in line


def test_the_lock_of_a_dead_process_is_taken_over(
    held_lock: tuple[subprocess.Popen[str], Path], tmp_path: Path
) -> None:
    holder, folder = held_lock
    holder.kill()
    holder.wait()
    corpus = generate(tmp_path / "corpus", 20, seed=4)
    dumps = [str(path) for path in sorted(corpus.glob("*.txt"))]
    done = run("--db", str(folder), "--no-wait", "import", *dumps)
    assert done.returncode == 0, done.stderr
    assert "waiting" not in done.stderr


def test_doctor_names_the_import_that_holds_the_lock(
    held_lock: tuple[subprocess.Popen[str], Path],
) -> None:
    holder, folder = held_lock
    done = run("--db", str(folder), "doctor")
    assert done.returncode == 1
    assert f"an import is running (another import, pid {holder.pid}, started " in done.stdout
