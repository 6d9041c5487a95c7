"""`newsreader doctor`: check a library's files without opening it, and repair what can be."""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from newsreader.library.checkup import STALE_TEMP_SECONDS, Checkup, Report, name_in
from newsreader.locks import holder
from newsreader.storage import FILE_MODE, FOLDER_MODE, refuses_writes

__all__ = ["STALE_TEMP_SECONDS", "Report", "doctor_command", "examine"]


@contextlib.contextmanager
def _import_lock(folder: Path) -> Iterator[bool]:
    """Hold the import lock if no import holds it; yield whether we got it."""
    try:
        fd = os.open(folder / "import.lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError:
        if not refuses_writes(folder):
            raise
        yield True  # a read-only library: no import can be writing to it
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            free = False
        else:
            free = True
        yield free
    finally:
        os.close(fd)


def examine(folder: Path, repair: bool = False) -> Report:
    """Check every file of the library in `folder`; repair what can be when `repair`."""
    report = Report(Path(folder), repair)
    if not report.folder.is_dir():
        report.problems.append("no library here (the folder does not exist)")
        return report
    _check_permissions(report)
    try:
        with _import_lock(report.folder) as free:
            if not free:
                who = holder(report.folder / "import.lock")
                report.problems.append(
                    f"an import is running ({who}): run doctor again once it is done"
                )
                return report
            Checkup(report).run()
    except OSError as error:
        report.problems.append(f"cannot be examined: {error}")
    return report


def _check_permissions(report: Report) -> None:
    """Folders 0700, files 0600: a library is its owner's reading and nobody else's."""
    wrong: list[tuple[Path, int]] = []
    for path in [report.folder, *sorted(report.folder.rglob("*"))]:
        try:
            info = path.lstat()
        except OSError:
            continue
        want = FOLDER_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
        if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == want:
            continue
        wrong.append((path, want))

    def fix() -> str:
        for path, want in wrong:
            path.chmod(want)
        return "permissions set"

    if wrong:
        names = ", ".join(
            f"{name_in(report, p)} {oct(stat.S_IMODE(p.lstat().st_mode))}" for p, _ in wrong
        )
        report.problem(f"not private (want 0700 folders, 0600 files): {names}", fix)


def doctor_command(folder: Path, args: argparse.Namespace) -> int:
    """Report on the library's files (repairing with --repair); exit 1 when problems remain."""
    report = examine(folder, repair=args.repair)
    print("\n".join(report.lines()))
    return 0 if report.healthy else 1
