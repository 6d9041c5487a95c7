"""Import files and folders: find the dumps, parse each, hand the good ones to the library."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsreader.dumps import internal_error, read_dump
from newsreader.errors import DumpError
from newsreader.library import ImportReport, Library, PreparedDump, prepare_dump

MAX_FILES = 1_000_000
# Starting worker processes costs about a second: worth it only for a sizeable import.
_PARALLEL_FROM_FILES = 200
_CHUNK_FILES = 64
# Enough read ahead (about 2 s of work) for the workers to keep going while the library
# commits a batch, which blocks on fsync.
_CHUNKS_IN_FLIGHT_PER_WORKER = 12


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
    workers: int = 1,
) -> ImportOutcome:
    """Import every dump under `paths`; bad files are rejected with a reason, the rest go in.

    With `workers` > 1 and enough files, dumps are read and their duplicate-detection features
    worked out in that many other processes, in file order; the library still takes them one
    by one, so what is imported and its order are the same as with one worker.
    """
    files, problems = find_dump_files(paths)
    outcome = ImportOutcome(report=ImportReport(), files=len(files), rejected=list(problems))

    def parsed() -> Iterator[PreparedDump]:
        for number, (path, result) in enumerate(_prepared(files, captured_at, workers), start=1):
            if on_file is not None:
                on_file(number, len(files), path)
            if isinstance(result, PreparedDump):
                yield result
            else:
                # Named by its path: in a folder of folders, the bare file name is not enough.
                outcome.rejected.append(DumpError(str(path), result))

    outcome.report = library.import_dumps(parsed())
    return outcome


def prepare(path: Path, captured_at: datetime | None) -> PreparedDump | str:
    """Read one dump and work out what the library computes of each story (duplicate
    features, search terms, word count); the reason instead when the file is bad."""
    try:
        dump = read_dump(path, captured_at)
    except DumpError as error:
        return error.reason  # a plain string: DumpError does not survive pickling
    except Exception as error:
        return internal_error("dump reader", error)
    try:
        return prepare_dump(dump)
    except Exception as error:
        return internal_error("story indexing", error)


def _prepared(
    files: Sequence[Path], captured_at: datetime | None, workers: int
) -> Iterator[tuple[Path, PreparedDump | str]]:
    """Each file with its prepared dump (or reason), in file order."""
    if workers <= 1 or len(files) < _PARALLEL_FROM_FILES:
        for path in files:
            yield path, prepare(path, captured_at)
        return
    # spawn, not fork: the app imports from a thread, and forking a threaded process is unsafe.
    context = multiprocessing.get_context("spawn")
    chunks = [files[i : i + _CHUNK_FILES] for i in range(0, len(files), _CHUNK_FILES)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # A bounded window of chunks in flight: the workers can outrun the library, and
        # what they have read must not pile up in memory while it waits.
        pending: deque[tuple[Sequence[Path], Future[list[PreparedDump | str]]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(_prepare_many, chunk, captured_at)))
            if len(pending) >= workers * _CHUNKS_IN_FLIGHT_PER_WORKER:
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.result(), strict=True)


def _prepare_many(paths: Sequence[Path], captured_at: datetime | None) -> list[PreparedDump | str]:
    """`prepare` for several files: one round trip to a worker process for all of them."""
    return [prepare(path, captured_at) for path in paths]
