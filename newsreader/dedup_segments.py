"""The duplicate index on disk: segment files of rows (`dedup/*.npz`), appended, merged by size.

Each save writes the rows added since the last one as a new segment; the newest segments
that hold no more rows than it are merged into it, as a binary counter carries (a row is
written again about log2 times over the library's life, and segments stay few), up to
MERGE_UPTO rows: a segment that big is never written again. A segment's name says which
segments it stands for: `A~B.npz` replaces every segment whose name sorts from A to B, and a
lone name `B.npz` stands for itself; the older `dedup.npz` of a library from before segments
counts as the first, named "". The write of a merged segment is atomic; until the segments it
replaces are deleted, reads skip them.
"""

from __future__ import annotations

import contextlib
import os
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from newsreader.errors import DamagedLibrary, LibraryError

FOLDER = "dedup"
LEGACY = "dedup.npz"
MERGE_UPTO = 65_536  # rows beyond which a segment is not merged again
RAGGED = {"numbers": "number_end", "marks": "mark_end", "facts": "fact_end"}  # values: ends


@dataclass(frozen=True)
class Stored:
    """One segment file: the names it stands for (first to last) and, once read, its rows."""

    path: Path
    first: str
    last: str
    rows: int = 0


def new_name() -> str:
    """A segment name that sorts by when it was made."""
    return f"{time.time_ns():016x}-{os.getpid()}"


def _found(folder: Path) -> list[Stored]:
    """Every segment file present, the legacy one first."""
    found = [Stored(folder / LEGACY, "", "")] if (folder / LEGACY).is_file() else []
    with contextlib.suppress(FileNotFoundError):
        for path in (folder / FOLDER).iterdir():
            if path.suffix == ".npz" and not path.name.startswith("."):
                first, _, last = path.stem.partition("~")
                found.append(Stored(path, first, last or first))
    return found


def live(folder: Path) -> list[Stored]:
    """The segments that make up the index, oldest first (those merged into others left out)."""
    kept: list[Stored] = []
    widest_first = sorted(_found(folder), key=lambda s: s.last, reverse=True)
    for stored in sorted(widest_first, key=lambda s: s.first):
        if kept and stored.last <= kept[-1].last:
            continue  # stands for segments another one stands for already
        kept.append(stored)
    return kept


def replaced(folder: Path) -> list[Path]:
    """The segment files a merged one stands for, left by a save that stopped: to delete."""
    keep = {stored.path for stored in live(folder)}
    return [stored.path for stored in _found(folder) if stored.path not in keep]


def read(path: Path) -> dict[str, npt.NDArray[Any]]:
    """The arrays of one segment file; OSError, ValueError or BadZipFile when it is damaged."""
    data = np.load(path, allow_pickle=False)
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError("not an index archive")
    with data:
        return {name: data[name] for name in data.files}


def read_all(
    folder: Path, check: Callable[[dict[str, npt.NDArray[Any]]], None]
) -> tuple[dict[str, npt.NDArray[Any]] | None, list[Stored]]:
    """The arrays of every segment joined (None when there is none), and the segments read.

    `check` is run on each segment's arrays (its format version); a LibraryError it raises
    is given the segment's path; damage raises DamagedLibrary naming the file.
    """
    parts: list[dict[str, npt.NDArray[Any]]] = []
    disk: list[Stored] = []
    for stored in live(folder):
        try:
            parts.append(read(stored.path))
            check(parts[-1])
        except BadFile as error:
            raise DamagedLibrary(stored.path, f"damaged duplicate index ({error})") from error
        except LibraryError as error:
            raise type(error)(f"{stored.path}: {error}") from error
        disk.append(replace(stored, rows=len(parts[-1]["ids"])))
    return (joined(parts) if parts else None), disk


def write(folder: Path, first: str, last: str, arrays: Mapping[str, Any]) -> Stored:
    """Write one segment atomically (temp file, fsync, rename, fsync the folder), owner only."""
    target_folder = folder / FOLDER
    target_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = target_folder / (f"{first}~{last}.npz" if first != last else f"{last}.npz")
    temp = target_folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    dir_fd = os.open(target_folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return Stored(target, first, last, len(arrays["ids"]))


def joined(parts: list[dict[str, npt.NDArray[Any]]]) -> dict[str, npt.NDArray[Any]]:
    """The arrays of consecutive segments as one index's (row ends made cumulative).

    Takes the arrays out of `parts` one name at a time, so that the memory held on the way
    is the segments and one joined array, not the segments and all of them joined.
    """
    if len(parts) == 1:
        return parts[0]
    whole: dict[str, npt.NDArray[Any]] = {
        "version": parts[0]["version"],
        "sorted": parts[-1]["sorted"],  # the whole index's, as of the last save
    }
    for values, end in RAGGED.items():
        offsets = np.cumsum([0] + [len(part[values]) for part in parts[:-1]]).tolist()
        whole[end] = np.concatenate(
            [part.pop(end) + offset for part, offset in zip(parts, offsets, strict=True)]
        )
    for name in list(parts[0]):
        if name not in whole:
            whole[name] = np.concatenate([part.pop(name) for part in parts])
    return whole


def rows_of(
    arrays: Mapping[str, npt.NDArray[Any]], ends: Mapping[str, npt.NDArray[np.int64]], start: int
) -> dict[str, npt.NDArray[Any]]:
    """`arrays` with the ragged values (numbers, marks, facts) of rows `start:` only, and
    their row ends, taken from the whole index's `ends`, made local."""
    part = dict(arrays)
    for values, end in RAGGED.items():
        whole_ends = ends[end]
        base = int(whole_ends[start - 1]) if start else 0
        part[end] = whole_ends[start:] - base
        part[values] = arrays[values][base:]
    return part


BadFile = (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile)
