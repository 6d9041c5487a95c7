"""Doctor's checks and repairs of the catalog: the manifest (`library.json`) and its segments."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import orjson

from newsreader.counting import count, stories
from newsreader.errors import LibraryError
from newsreader.library.catalog import Catalog, mergeable
from newsreader.library.manifest import (
    FOLDER,
    LEGACY,
    MANIFEST,
    SCHEMA_VERSION,
    manifest_of,
    read_segment,
    remove_segments,
    split_legacy,
    write_manifest,
    write_segment,
)
from newsreader.library.schema import MIGRATIONS, migrate
from newsreader.storage import check_tables, read_json, write_atomic


class Report(Protocol):
    """What doctor's report offers a check (newsreader.library.checkup.Report)."""

    folder: Path
    facts: list[str]

    def problem(self, text: str, fix: Callable[[], str] | None = None) -> None:
        """Record a problem; repair it with `fix` when repairing."""
        ...


class CatalogCheck:
    """The catalog as doctor finds it; `data` is every dump, keyed `segment/key`, when sound."""

    def __init__(self, report: Report, set_aside: Callable[[Path], str]) -> None:
        self.report = report
        self.folder = report.folder
        self.set_aside = set_aside
        self.names: list[str] = []
        self.data: dict[str, Any] | None = None

    def run(self) -> bool:
        """Check the manifest and the segments; False when nothing more should be checked."""
        path = self.folder / MANIFEST
        try:
            raw = check_tables(read_json(path), path) if path.exists() else None
            manifest = manifest_of(raw, path)
        except LibraryError as error:
            if "newer than this newsreader" in str(error):
                self.report.problem(f"{MANIFEST}: {_newer(error)}; nothing else was checked")
                return False
            self.report.problem(_said(error), lambda: self._relist(path))
            return True
        except (ValueError, TypeError, AttributeError) as error:
            self.report.problem(f"{path}: unexpected content ({error})", lambda: self._relist(path))
            return True
        if raw is None:
            self.report.facts.append(f"{MANIFEST}: none yet (nothing imported)")
            if not list(self.folder.glob(f"{MANIFEST}.damaged-*")):
                self.data = {}  # bodies of a first import that never committed are orphans
            return True
        version = manifest.schema
        if manifest.legacy:

            def upgrade() -> str:
                if version < 1:
                    split_legacy(self.folder, lambda data: migrate(data, version, MIGRATIONS))
                else:
                    split_legacy(self.folder)
                return f"upgraded to version {SCHEMA_VERSION}"

            self.report.problem(f"{MANIFEST}: schema version {version}", upgrade)
        self.names = list(manifest.names)
        dumps: dict[str, Any] = {}
        for name in manifest.names:
            try:
                segment = read_segment(self.folder, name)
            except LibraryError as error:
                self.report.problem(_said(error), functools.partial(self._drop_segment, name))
                continue
            for key, doc in segment.get("dumps", {}).items():
                dumps[f"{name}/{key}"] = doc
        self.data = {"dumps": dumps}
        held = sum(len(d.get("stories", ())) for d in dumps.values())
        listed = [n for n in manifest.names if n != LEGACY]
        self.report.facts.append(
            f"{MANIFEST}: {count(len(dumps), 'dump')}, {stories(held)} (schema {version}, "
            f"{count(len(listed), 'catalog segment')})"
        )
        self._strays(set(listed))
        self._small(manifest.names, dumps)
        return True

    def _small(self, names: Sequence[str], dumps: dict[str, Any]) -> None:
        sizes = dict.fromkeys(names, 0)
        for key, doc in dumps.items():
            sizes[key.rpartition("/")[0]] += len(doc.get("stories", ()))
        runs = mergeable(sizes)
        if runs:

            def merge() -> str:
                catalog = Catalog(self.folder)
                merged = catalog.compact()
                catalog.close()
                return f"merged: {count(merged, 'segment')} fewer"

            small = sum(len(run) for run in runs)
            self.report.problem(
                f"{small} small catalog segments in a row (an import stopped before merging them)",
                merge,
            )

    def _strays(self, listed: set[str]) -> None:
        folder = self.folder / FOLDER
        found = sorted(folder.iterdir()) if folder.is_dir() else []
        strays = [
            p
            for p in found
            if not p.name.startswith(".")
            and ".damaged-" not in p.name  # set aside: never deleted
            and p.name.split(".")[0] not in listed
        ]
        if strays:

            def delete() -> str:
                for path in strays:
                    path.unlink(missing_ok=True)
                return "deleted"

            self.report.problem(
                f"{len(strays)} catalog file(s) no manifest lists (left by interrupted imports)",
                delete,
            )

    def _drop_segment(self, name: str) -> str:
        kept = self.set_aside(self.folder / FOLDER / f"{name}.json")
        self.names.remove(name)
        write_manifest(self.folder, self.names)
        remove_segments(self.folder, [name])
        return f"{kept}; its dumps are no longer listed: import them again (marks are kept)"

    def _relist(self, path: Path) -> str:
        """Set a damaged manifest aside and list the segments found (newest copy of a dump)."""
        kept = self.set_aside(path)
        folder = self.folder / FOLDER
        names = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
        seen: set[str] = set()
        listed: list[str] = []
        for name in reversed(names):  # a merged segment is newer than those it replaced
            with contextlib.suppress(LibraryError, ValueError):
                digests = {
                    str(d.get("digest")) for d in read_segment(self.folder, name)["dumps"].values()
                }
                if digests - seen:
                    listed.append(name)
                seen |= digests
        if not listed:
            return f"{kept}; the library starts empty: import your dumps again"
        write_manifest(self.folder, listed[::-1])
        return (
            f"{kept}; listed the {count(len(listed), 'catalog segment')} found again "
            "(a dump missing from them: import your dumps again)"
        )

    def drop(self, keys: set[str]) -> str:
        """Drop the dumps `keys` (`segment/key`) from the segments holding them."""
        assert self.data is not None
        by_segment: dict[str, set[str]] = {}
        for key in keys:
            name, _, inner = key.rpartition("/")
            by_segment.setdefault(name, set()).add(inner)
        if LEGACY in by_segment:
            data = read_segment(self.folder, LEGACY)
            data["dumps"] = {k: d for k, d in data["dumps"].items() if k not in by_segment[LEGACY]}
            write_atomic(self.folder / MANIFEST, orjson.dumps(data))
        else:
            names = list(self.names)
            for name, gone in by_segment.items():
                dumps = read_segment(self.folder, name)["dumps"]
                kept = [d for k, d in dumps.items() if k not in gone]
                at = names.index(name)
                names[at : at + 1] = [write_segment(self.folder, kept)[0]] if kept else []
            write_manifest(self.folder, names)
            remove_segments(self.folder, list(by_segment))
            self.names = names
        self.data = {
            "dumps": {k: d for k, d in self.data.get("dumps", {}).items() if k not in keys}
        }
        return "dropped them from the library: import them again (their marks are kept)"


def _said(error: LibraryError) -> str:
    """The error's message without the hint to run doctor: this is doctor."""
    return str(error).removesuffix(" — run `newsreader doctor`")


def _newer(error: LibraryError) -> str:
    """'schema version N is newer …' out of the error's message."""
    text = str(error)
    version = text.split("schema version ", 1)[1].split(" ", 1)[0]
    return (
        f"schema version {version} is newer than this newsreader understands "
        f"({SCHEMA_VERSION}): upgrade newsreader"
    )
