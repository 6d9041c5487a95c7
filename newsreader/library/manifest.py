"""The catalog on disk: a small manifest (`library.json`) naming segment files (`catalog/*.json`).

Each import commit writes the dumps it adds to a new segment file, a TinyDB file (table
`dumps`) written atomically and never rewritten; then it replaces the manifest, a TinyDB file
listing the segments in order, atomically: that rename is the commit point. A segment no
manifest lists was left by an interrupted commit and is deleted under the import lock.

Libraries written before segments (schema 0 and 1) keep every dump in `library.json` itself;
they are read as one segment until `split_legacy` makes that file the first segment (a hard
link, nothing copied) and writes a manifest in its place.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from newsreader.errors import LibraryError
from newsreader.storage import (
    check_tables,
    fsync_folder,
    make_private_folder,
    read_json,
    write_atomic,
)

SCHEMA_VERSION = 2  # 2: manifest and segments; 1: every dump in library.json; 0: no `_meta`
LEGACY_VERSION = 1  # the last version keeping every dump in library.json
MANIFEST = "library.json"
FOLDER = "catalog"
LEGACY = ""  # the segment name of a library.json that still holds the dumps itself

Data = dict[str, Any]


@dataclass(frozen=True)
class Manifest:
    """What library.json says: the segments in order and the schema version."""

    names: tuple[str, ...]
    schema: int

    @property
    def legacy(self) -> bool:
        """Whether library.json still holds the dumps itself (schema 0 or 1)."""
        return self.names == (LEGACY,)


def schema_version(data: Data) -> int:
    """The layout version of library.json's data (0 when it has none)."""
    for doc in data.get("_meta", {}).values():
        version = doc.get("schema")
        if isinstance(version, int) and not isinstance(version, bool):
            return version
        raise LibraryError(f"unreadable schema version {version!r}")
    return 0


def check_version(path: Path, version: int) -> None:
    """LibraryError when `version` is newer than this newsreader understands."""
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{path}: library schema version {version!r} is newer than this "
            f"newsreader understands ({SCHEMA_VERSION}); upgrade newsreader"
        )


def manifest_of(data: Data | None, path: Path) -> Manifest:
    """The manifest that library.json's `data` stands for (None: no library yet)."""
    if data is None:
        return Manifest((), SCHEMA_VERSION)
    try:
        version = schema_version(data)
    except LibraryError as error:
        raise LibraryError(f"{path}: {error}") from error
    check_version(path, version)
    if "segments" not in data:
        return Manifest((LEGACY,), version)
    names = [doc.get("name") for doc in data["segments"].values()]
    if not all(isinstance(name, str) and name and "/" not in name for name in names):
        raise ValueError("a segment without a proper name")
    return Manifest(tuple(names), version)


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the library in `folder`; DamagedLibrary naming the file if damaged."""
    path = folder / MANIFEST
    data = read_json(path)
    return manifest_of(None if data is None else check_tables(data, path), path)


def segment_path(folder: Path, name: str) -> Path:
    """Where the segment `name` is (the old library.json for LEGACY)."""
    return folder / MANIFEST if name == LEGACY else folder / FOLDER / f"{name}.json"


def cache_path(folder: Path, name: str) -> Path:
    """Where the columns of segment `name` are cached (derived, rebuilt when stale)."""
    return folder / "catalog.cache" if name == LEGACY else folder / FOLDER / f"{name}.cache"


def read_segment(folder: Path, name: str) -> Data:
    """The TinyDB data of one segment; DamagedLibrary naming the file if damaged."""
    path = segment_path(folder, name)
    data = read_json(path)
    if data is None:
        raise LibraryError(f"{path}: missing (the library lists it)")
    return check_tables(data, path)


def write_manifest(folder: Path, names: Sequence[str]) -> None:
    """Replace library.json with a manifest listing `names` in order: the commit point."""
    segments = {str(n): {"name": name} for n, name in enumerate(names, start=1)}
    data = {"_meta": {"1": {"schema": SCHEMA_VERSION}}, "segments": segments}
    write_atomic(folder / MANIFEST, orjson.dumps(data))


def segment_bytes(dumps: Sequence[Data]) -> bytes:
    """The TinyDB file `insert_multiple` would write for `dumps` in an empty `dumps` table."""
    return orjson.dumps({"dumps": {str(n): dump for n, dump in enumerate(dumps, start=1)}})


def new_name() -> str:
    """A segment name that sorts by when it was made."""
    return f"{time.time_ns():016x}-{os.getpid()}"


def write_segment(folder: Path, dumps: Sequence[Data]) -> tuple[str, bytes]:
    """Write `dumps` to a new segment file, atomically; return its name and its bytes."""
    make_private_folder(folder / FOLDER)
    name, raw = new_name(), segment_bytes(dumps)
    write_atomic(segment_path(folder, name), raw)
    return name, raw


def remove_segments(folder: Path, names: Sequence[str]) -> None:
    """Delete segment files and their caches (once no manifest lists them)."""
    for name in names:
        if name == LEGACY:
            continue
        for path in (segment_path(folder, name), cache_path(folder, name)):
            path.unlink(missing_ok=True)


def tidy(folder: Path, listed: Sequence[str]) -> None:
    """Delete what interrupted commits left in catalog/. Call with the import lock held."""
    keep = set(listed)
    with contextlib.suppress(FileNotFoundError):
        for path in (folder / FOLDER).iterdir():
            name = path.name.split(".", 1)[0] if not path.name.startswith(".") else ""
            if ".damaged-" in path.name:
                continue  # set aside by doctor: never deleted
            if path.name.endswith(".tmp") or (name and name not in keep):
                path.unlink(missing_ok=True)


def split_legacy(folder: Path, migrate: Callable[[Data], Data] | None = None) -> Manifest:
    """Make an old library.json the first segment and write a manifest in its place.

    Call with the import lock held. The segment is a hard link to the old file when its data
    need no migration (`migrate` None), else the migrated data written anew; the manifest's
    atomic rename is the switch, so a crash leaves either layout, and a stray segment file.
    """
    old = folder / MANIFEST
    make_private_folder(folder / FOLDER)
    name = new_name()
    target = segment_path(folder, name)
    if migrate is None:
        try:
            os.link(old, target)
        except OSError:  # a file system without hard links: a copy will do
            write_atomic(target, old.read_bytes())
        else:
            fsync_folder(target.parent)
    else:
        data = migrate(read_segment(folder, LEGACY))
        write_atomic(target, orjson.dumps({k: v for k, v in data.items() if k != "_meta"}))
    write_manifest(folder, [name])
    # The old file's columns, made for its identity: a hard link keeps that identity.
    with contextlib.suppress(OSError):
        os.replace(cache_path(folder, LEGACY), cache_path(folder, name))
    return Manifest((name,), SCHEMA_VERSION)
