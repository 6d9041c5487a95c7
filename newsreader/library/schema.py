"""The layout version of the catalog and the upgrades that bring an older one up to date.

The version lives in library.json's `_meta` table; a library written before the version was
stored has none: that is version 0. Versions 0 and 1 keep every dump in library.json itself;
each migration takes that whole data of one version and returns it in the next. Version 2
splits the catalog into segments (manifest.py): the old file becomes the first segment. The
upgrade runs under the import lock and ends in one atomic rename, so a crash leaves either the
old library or the new one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from newsreader.errors import LibraryError
from newsreader.library.catalog import Catalog
from newsreader.library.manifest import LEGACY_VERSION, read_manifest, schema_version, split_legacy
from newsreader.storage import FILE_MODE

__all__ = ["MIGRATIONS", "migrate", "schema_version", "upgrade"]

Data = dict[str, Any]


def _stamp_version(data: Data) -> Data:
    """0 → 1: the layout is the same; the version is written down from now on."""
    return {**data, "_meta": {"1": {"schema": 1}}}


MIGRATIONS: dict[int, Callable[[Data], Data]] = {0: _stamp_version}
"""Version → the function that turns a one-file library of that version into one of the next."""


def migrate(data: Data, version: int, migrations: dict[int, Callable[[Data], Data]]) -> Data:
    """One-file `data` of `version` brought up to LEGACY_VERSION by `migrations`."""
    while version < LEGACY_VERSION:
        step = migrations.get(version)
        if step is None:
            raise LibraryError(f"no way to upgrade a library of schema version {version}")
        data = step(data)
        version += 1
    return data


def upgrade(
    catalog: Catalog, folder: Path, migrations: dict[int, Callable[[Data], Data]] = MIGRATIONS
) -> int | None:
    """Bring the catalog to the current layout; return the old version if it was older.

    A library that cannot be written is left as it is and read in its old layout.
    """
    if not catalog.manifest.legacy:
        return None  # known without parsing library.json, which takes long in a big library
    version = catalog.manifest.schema
    if version < LEGACY_VERSION and not migrations.get(version):
        raise LibraryError(f"no way to upgrade a library of schema version {version}")
    try:
        with _locked_now(folder / "import.lock") as held:
            if not held:
                return None  # an import is running: it splits the library itself
            manifest = read_manifest(folder)  # again: another process may have upgraded it
            version = manifest.schema
            if not manifest.legacy:
                catalog.reload()
                return None
            if version < LEGACY_VERSION:
                split_legacy(folder, lambda data: migrate(data, version, migrations))
            else:
                split_legacy(folder)
    except PermissionError:
        return None  # read-only: the old layout reads as it is
    except OSError as error:
        if error.errno != errno.EROFS:
            raise
        return None
    catalog.reload()
    return version


@contextlib.contextmanager
def _locked_now(path: Path) -> Iterator[bool]:
    """Hold the lock on `path` if no one else does; yield whether it is held."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
