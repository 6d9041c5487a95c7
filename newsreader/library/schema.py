"""The layout version of library.json and the migrations that bring an older one up to date.

The version lives in library.json's `_meta` table. A library written before the version was
stored has no `_meta` table: that is version 0. Each migration takes the whole TinyDB data of
one version and returns it in the next; the result is written atomically, under the import
lock, so a crash leaves either the old library or the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsreader.errors import LibraryError
from newsreader.library.catalog import SCHEMA_VERSION, Catalog
from newsreader.storage import locked

Data = dict[str, Any]


def _stamp_version(data: Data) -> Data:
    """0 → 1: the layout is the same; the version is written down from now on."""
    return {**data, "_meta": {"1": {"schema": 1}}}


MIGRATIONS: dict[int, Callable[[Data], Data]] = {0: _stamp_version}
"""Version → the function that turns a library of that version into one of the next."""


def schema_version(data: Data) -> int:
    """The layout version of library.json's data (0 when it has none)."""
    for doc in data.get("_meta", {}).values():
        version = doc.get("schema")
        if isinstance(version, int) and not isinstance(version, bool):
            return version
        raise LibraryError(f"unreadable schema version {version!r}")
    return 0


def migrate(data: Data, version: int, migrations: dict[int, Callable[[Data], Data]]) -> Data:
    """`data` of `version` brought up to SCHEMA_VERSION by `migrations`."""
    while version < SCHEMA_VERSION:
        step = migrations.get(version)
        if step is None:
            raise LibraryError(f"no way to upgrade a library of schema version {version}")
        data = step(data)
        version += 1
    return data


def upgrade(
    catalog: Catalog, folder: Path, migrations: dict[int, Callable[[Data], Data]] = MIGRATIONS
) -> int | None:
    """Migrate the catalog's library.json to the current layout; return the old version if so."""
    if catalog.schema_version >= SCHEMA_VERSION:
        return None  # known without parsing library.json, which takes long in a big library
    data = catalog.storage.read()
    if data is None or schema_version(data) >= SCHEMA_VERSION:
        return None
    with locked(folder / "import.lock"):
        data = catalog.storage.read()  # again: another process may have upgraded it
        if data is None:
            return None
        version = schema_version(data)
        if version >= SCHEMA_VERSION:
            return None
        catalog.storage.write(migrate(data, version, migrations))
    catalog.reload()
    return version
