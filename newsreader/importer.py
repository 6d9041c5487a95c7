"""Import files and folders: find the dumps, parse each, hand the good ones to the library."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsreader.dumps import read_dump
from newsreader.errors import DumpError
from newsreader.library import ImportReport, Library
from newsreader.models import ParsedDump

MAX_FILES = 1_000_000


@dataclass
class ImportOutcome:
    """The library's report plus the files that were rejected, each with its reason."""

    report: ImportReport
    files: int = 0
    rejected: list[DumpError] = field(default_factory=list)


def find_dump_files(paths: Sequence[Path]) -> tuple[list[Path], list[DumpError]]:
    """Every file under `paths` in a deterministic order; hidden files and symlink loops skipped."""
    found: list[Path] = []
    problems: list[DumpError] = []
    seen_folders: set[tuple[int, int]] = set()

    def walk(folder: Path) -> None:
        try:
            info = folder.stat()
        except OSError as error:
            problems.append(DumpError(str(folder), f"cannot be read ({error.strerror})"))
            return
        key = (info.st_dev, info.st_ino)
        if key in seen_folders:
            return  # a symlink loop, or a folder reached twice
        seen_folders.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(DumpError(str(folder), f"cannot be read ({error.strerror})"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir():
                walk(path)
            elif entry.is_file() and len(found) < MAX_FILES:
                found.append(path)

    for path in paths:
        if path.is_dir():
            walk(path)
        elif path.exists():
            found.append(path)
        else:
            problems.append(DumpError(str(path), "no such file or folder"))
    return found, problems


def import_paths(
    library: Library,
    paths: Sequence[Path],
    captured_at: datetime | None = None,
    on_file: Callable[[int, int, Path], None] | None = None,
) -> ImportOutcome:
    """Import every dump under `paths`; bad files are rejected with a reason, the rest go in."""
    files, problems = find_dump_files(paths)
    outcome = ImportOutcome(report=ImportReport(), files=len(files), rejected=list(problems))

    def parsed() -> Iterator[ParsedDump]:
        for number, path in enumerate(files, start=1):
            if on_file is not None:
                on_file(number, len(files), path)
            try:
                yield read_dump(path, captured_at)
            except DumpError as error:
                # Named by its path: in a folder of folders, the bare file name is not enough.
                outcome.rejected.append(DumpError(str(path), error.reason))

    outcome.report = library.import_dumps(parsed())
    return outcome
