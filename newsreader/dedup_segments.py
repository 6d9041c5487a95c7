"""The duplicate index on disk: segment files of rows (`dedup/*.npz`), appended, merged by size.

Each save writes the rows added since the last one as a new segment; the newest segments
that hold no more rows than it are merged into it, as a binary counter carries (a row is
written again about log2 times over the library's life, and segments stay few), up to
MERGE_UPTO rows: a segment that big is never written again. A segment's name says which
segments it stands for: `A~B.npz` replaces every segment whose name sorts from A to B, and a
lone name `B.npz` stands for itself; the older `dedup.npz` of a library from before segments
counts as the first, named "". The write of a merged segment is atomic; until the segments it
replaces are deleted, reads skip them. A segment is an uncompressed .npz: its arrays are read
as views of the file mapped into memory, so that a lookup reads only the pages it needs.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import struct
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from newsreader.dedup_columns import string_keys
from newsreader.errors import DamagedLibrary, LibraryError

FOLDER = "dedup"
LEGACY = "dedup.npz"
MERGE_UPTO = 65_536  # rows beyond which a segment is not merged again


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


def _member(file: BinaryIO, info: zipfile.ZipInfo) -> tuple[int, np.dtype[Any], tuple[int, ...]]:
    """Where an uncompressed .npy member's data starts in the archive, its type and shape."""
    file.seek(info.header_offset)
    local = file.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise ValueError(f"{info.filename}: no local header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    file.seek(info.header_offset + 30 + name_length + extra_length)
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
    else:
        raise ValueError(f"{info.filename}: .npy version {version}")
    if fortran or dtype.hasobject:
        raise ValueError(f"{info.filename}: not a plain array")
    return file.tell(), dtype, shape


def read(path: Path) -> tuple[mmap.mmap | None, dict[str, npt.NDArray[Any]]]:
    """The arrays of one segment file, read-only views of the file mapped into memory (and
    the mapping); OSError, ValueError or BadZipFile when it is damaged.

    A segment is an uncompressed .npz (np.savez): each member's data lies as it is in the
    file, so a lookup reads only the pages of the rows it asks for. A compressed member
    (written by something else) is read into memory instead.
    """
    arrays: dict[str, npt.NDArray[Any]] = {}
    with open(path, "rb") as file, zipfile.ZipFile(file) as archive:
        size = os.fstat(file.fileno()).st_size
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        for info in archive.infolist():
            name = info.filename.removesuffix(".npy")
            if info.compress_type != zipfile.ZIP_STORED or mapped is None:
                with archive.open(info) as member:
                    arrays[name] = np.lib.format.read_array(member, allow_pickle=False)
                continue
            start, dtype, shape = _member(file, info)
            count = math.prod(shape)
            if start + count * dtype.itemsize > size:
                raise ValueError(f"{info.filename}: cut short")
            flat = np.frombuffer(mapped, dtype=dtype, count=count, offset=start)
            arrays[name] = flat.reshape(shape)
    if "version" not in arrays:
        raise ValueError("not an index archive")
    return mapped, arrays


def read_live(
    folder: Path, check: Callable[[dict[str, npt.NDArray[Any]]], None]
) -> list[tuple[Stored, mmap.mmap | None, dict[str, npt.NDArray[Any]]]]:
    """Every live segment's arrays (mapped, see `read`), oldest first, with its mapping.

    `check` is run on each segment's arrays (its format version); a LibraryError it raises
    is given the segment's path; damage raises DamagedLibrary naming the file.
    """
    found: list[tuple[Stored, mmap.mmap | None, dict[str, npt.NDArray[Any]]]] = []
    for stored in live(folder):
        try:
            mapped, arrays = read(stored.path)
            check(arrays)
            found.append((replace(stored, rows=len(arrays["ids"])), mapped, arrays))
        except BadFile as error:
            raise DamagedLibrary(stored.path, f"damaged duplicate index ({error})") from error
        except LibraryError as error:
            raise type(error)(f"{stored.path}: {error}") from error
    return found


def checked(a: Mapping[str, npt.NDArray[Any]], permutations: int) -> npt.NDArray[np.uint64]:
    """The 64-bit keys of a segment's ids (dedup_columns.string_keys) once its arrays are
    found to fit one another; ValueError if they do not."""
    ids = a["ids"]
    n = len(ids)
    expected = {
        "ids": ((n,), np.str_),
        "sketch": ((n, permutations), np.uint16),
        "shingles": ((n,), np.uint32),
        "exact": ((n,), np.uint64),
        "number_end": ((n,), np.int64),
        "number_count": ((n,), np.uint16),
        "long": ((n,), np.bool_),
        "told": ((n,), np.bool_),
        "mark_end": ((n,), np.int64),
        "fact_end": ((n,), np.int64),
    }
    for name, (shape, dtype) in expected.items():
        if a[name].shape != shape or a[name].dtype.type != dtype:
            raise ValueError(f"{name} has shape {a[name].shape} and type {a[name].dtype}")
    if a["numbers"].dtype != np.uint32:
        raise ValueError("numbers of the wrong type")
    if a["marks"].dtype != np.uint16 or a["facts"].dtype != np.uint64:
        raise ValueError("marks or facts of the wrong type")
    keys = string_keys(ids)
    in_order = np.sort(keys)
    alike = np.isin(keys, in_order[1:][in_order[1:] == in_order[:-1]])  # rarely any
    if alike.any() and len(set(ids[alike].tolist())) < np.count_nonzero(alike):
        raise ValueError("an id appears twice")
    return keys


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


BadFile = (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile)
