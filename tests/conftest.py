"""Shared fixtures: a real library on disk in tmp_path, filled from seeds/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.importer import import_paths
from newsreader.library import Library

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_e213fecfa28b599e.txt"
CAPTURED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the real user's settings or library."""
    monkeypatch.setenv("NEWSREADER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEWSREADER_DB", str(tmp_path / "default-library"))
    os.environ.pop("NO_COLOR", None)


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    """Where the test's library lives."""
    return tmp_path / "library"


@pytest.fixture
def seeded(library_path: Path) -> Iterator[Library]:
    """A library holding the seed dump, captured at a fixed time."""
    library = Library(library_path)
    outcome = import_paths(library, [SEEDS], CAPTURED)
    assert not outcome.rejected
    yield library
    library.close()


def one_file_layout(folder: Path, version: int | None = 1) -> bytes:
    """Turn a library into the layout newsreader wrote before catalog segments: every dump in
    library.json (schema 1, or no `_meta` table at all for None), written as TinyDB wrote it;
    return its bytes."""
    import orjson

    from newsreader.library.manifest import read_manifest, read_segment

    dumps = [
        doc
        for name in read_manifest(folder).names
        for doc in read_segment(folder, name)["dumps"].values()
    ]
    data: dict[str, object] = {} if version is None else {"_meta": {"1": {"schema": version}}}
    data["dumps"] = {str(number): doc for number, doc in enumerate(dumps, start=1)}
    raw = orjson.dumps(data)
    (folder / "library.json").write_bytes(raw)
    shutil.rmtree(folder / "catalog")
    return raw
