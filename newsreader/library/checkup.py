"""The checks and repairs behind `newsreader doctor`, file by file, without opening a Library.

Nothing damaged is ever deleted: a file that cannot be read is moved aside to
`NAME.damaged-YYYYMMDDTHHMMSS` and what can be rebuilt is rebuilt (marks.json from marks.log,
the duplicate index from the bodies). What only clutters — body segments of an interrupted
import, temp files of an interrupted write — is deleted.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.count import SUMMARY_FILE
from newsreader.counting import count, stories
from newsreader.errors import DamagedLibrary, LibraryError, NewsreaderError
from newsreader.library.catalog_checkup import CatalogCheck
from newsreader.library.marks import (
    FIELDS,
    MarkState,
    count_log_lines,
    salvage_snapshot,
    snapshot_records,
)
from newsreader.library_files import FIRST_SCREEN_FILE
from newsreader.storage import AppendLog, check_tables, read_json, write_atomic

KNOWN_FILES = (
    "library.json", "marks.json", "marks.log", "dedup.npz", "import.lock", "bodies",
    "catalog", "catalog.cache", "dedup", "search", FIRST_SCREEN_FILE, "feeds.json", "feeds.lock",
    SUMMARY_FILE,
)  # fmt: skip
STALE_TEMP_SECONDS = 60  # a temp file younger than this may belong to a write in progress
_TEMP = re.compile(r"^\..+\.tmp$")


@dataclass
class Report:
    """What doctor found: facts, problems left, and what it repaired."""

    folder: Path
    repair: bool
    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when no problem remains."""
        return not self.problems

    def problem(self, text: str, fix: Callable[[], str] | None = None) -> None:
        """Record a problem; repair it with `fix` (which says what it did) when repairing."""
        if not (self.repair and fix):
            self.problems.append(text + ("" if fix else " (cannot be repaired here)"))
            return
        try:
            self.repaired.append(f"{text}: {fix()}")
        except (OSError, NewsreaderError) as error:
            self.problems.append(f"{text} (repair failed: {error})")

    def lines(self) -> list[str]:
        """The report as lines of text for the terminal."""
        out = [f"library {self.folder}"]
        out += [f"  {fact}" for fact in self.facts]
        out += [f"repaired: {text}" for text in self.repaired]
        out += [f"problem: {text}" for text in self.problems]
        if self.healthy:
            out.append("healthy")
        else:
            hint = "" if self.repair else "; `newsreader doctor --repair` repairs what it can"
            remain = "remains" if len(self.problems) == 1 else "remain"
            out.append(f"{count(len(self.problems), 'problem')} {remain}{hint}")
        return out


def _said(error: LibraryError) -> str:
    """The error's message without the hint to run doctor: this is doctor."""
    return str(error).removesuffix(" — run `newsreader doctor`")


def move_aside(path: Path) -> Path:
    """Rename a damaged file to NAME.damaged-YYYYMMDDTHHMMSS (never over another one)."""
    base = f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}"
    target, number = path.with_name(base), 1
    while target.exists():
        number += 1
        target = path.with_name(f"{base}-{number}")
    path.rename(target)
    return target


def _deleter(paths: list[Path]) -> Callable[[], str]:
    """A repair that deletes `paths`."""

    def delete() -> str:
        for path in paths:
            path.unlink(missing_ok=True)
        return "deleted"

    return delete


def name_in(report: Report, path: Path) -> str:
    """`path` relative to the library folder, for the report."""
    return str(path.relative_to(report.folder)) if path != report.folder else "the folder"


class Checkup:
    """One pass over the files of a library, in the order that repairs depend on.

    Run by `examine` with the import lock held: no import commits meanwhile.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.folder = report.folder
        self.bodies = self.folder / "bodies"
        self.catalog: dict[str, Any] | None = None  # library.json's data when it is sound

    def run(self) -> None:
        """Check everything; stop early when the library is newer than this newsreader."""
        self._temp_files()
        if not self._library_json():
            return
        self._body_segments()
        self._marks()
        self._dedup_index()
        self._search_index()
        self._other_files()

    def _temp_files(self) -> None:
        now = time.time()
        stale = [
            p
            for folder in (self.folder, self.bodies)
            if folder.is_dir()
            for p in folder.iterdir()
            if _TEMP.match(p.name) and now - p.stat().st_mtime > STALE_TEMP_SECONDS
        ]
        if stale:
            self.report.problem(
                f"{len(stale)} temp file(s) left by interrupted writes", _deleter(stale)
            )

    def _library_json(self) -> bool:
        self._catalog = CatalogCheck(self.report, self._set_aside)
        go_on = self._catalog.run()
        self.catalog = self._catalog.data
        return go_on

    def _set_aside(self, path: Path) -> str:
        kept = move_aside(path)
        return f"moved aside to {name_in(self.report, kept)}"

    def _body_segments(self) -> None:
        segments = sorted(self.bodies.glob("*.json")) if self.bodies.is_dir() else []
        ids: dict[str, set[str]] = {}
        for path in segments:
            try:
                data = check_tables(read_json(path), path)
                ids[path.stem] = {str(d.get("id")) for d in data.get("bodies", {}).values()}
            except LibraryError as error:
                self.report.problem(_said(error), functools.partial(self._set_aside, path))
        self.report.facts.append(f"bodies: {len(segments)} segment(s)")
        if self.catalog is None:
            if segments:
                self.report.facts.append("bodies: kept, as library.json may yet be restored")
            return
        dumps = self.catalog.get("dumps", {})
        gone = {
            key: dump
            for key, dump in dumps.items()
            if not isinstance(dump.get("stories"), list)
            or any(
                not isinstance(s, dict) or s.get("id") not in ids.get(str(s.get("segment")), ())
                for s in dump["stories"]
            )
        }
        if gone:
            names = ", ".join(sorted(str(d.get("file", key)) for key, d in gone.items()))
            self.report.problem(
                f"{count(len(gone), 'dump')} with stories whose body is gone: {names}",
                lambda: self._drop_dumps(set(gone)),
            )
        used = {
            str(s.get("segment"))
            for key, dump in dumps.items()
            if key not in gone
            for s in dump.get("stories", ())
        }
        orphans = [p for p in segments if p.stem not in used and p.exists()]
        if orphans:
            self.report.problem(
                f"{len(orphans)} body segment(s) no dump refers to (left by interrupted imports)",
                _deleter(orphans),
            )

    def _drop_dumps(self, keys: set[str]) -> str:
        said = self._catalog.drop(keys)
        self.catalog = self._catalog.data
        return said

    def _marks(self) -> None:
        snapshot, log = self.folder / "marks.json", self.folder / "marks.log"
        salvaged: list[dict[str, Any]] = []
        try:
            data = check_tables(read_json(snapshot), snapshot) if snapshot.exists() else {}
            malformed = [d for d in data.get("marks", {}).values() if not snapshot_records(d)]
            if malformed:
                self.report.problem(
                    f"marks.json: {len(malformed)} entr(y/ies) that do not parse",
                    lambda: self._rebuild_marks(snapshot, []),
                )
        except LibraryError as error:
            salvaged = salvage_snapshot(snapshot.read_bytes() if snapshot.exists() else b"")
            self.report.problem(_said(error), lambda: self._rebuild_marks(snapshot, salvaged))
        records, bad = count_log_lines(log)
        if bad:
            self.report.problem(
                f"marks.log: {bad} line(s) that do not parse (kept aside, the rest folded in)",
                lambda: self._compact_log(log),
            )
        with contextlib.suppress(LibraryError):  # when damaged, said above
            marks = MarkState(self.folder)
            counts = {f: sum(1 for _s, v in marks.items(f) if v) for f in FIELDS}
            self.report.facts.append(
                f"marks: {counts['read']} read, {counts['starred']} starred, "
                f"{counts['group']} grouping decision(s); marks.log: {records} record(s)"
            )

    def _rebuild_marks(self, snapshot: Path, salvaged: list[dict[str, Any]]) -> str:
        if salvaged:  # into the log first: a crash after the move must not lose them
            AppendLog(self.folder / "marks.log").append(salvaged)
        kept = move_aside(snapshot)
        MarkState(self.folder).compact()
        return (
            f"moved aside to {kept.name}; rebuilt from marks.log"
            + (f" and {len(salvaged)} mark(s) salvaged from the damaged copy" if salvaged else "")
            + "; marks folded in before the damage and not salvaged are lost"
        )

    def _compact_log(self, log: Path) -> str:
        copy = log.with_name(f"{log.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
        write_atomic(copy, log.read_bytes())
        MarkState(self.folder).compact()
        return f"copied to {copy.name}; marks.log folded into marks.json"

    def _dedup_index(self) -> None:
        try:
            from newsreader.dedup import FILE_NAME, DuplicateIndex
        except ImportError:
            return
        path = self.folder / FILE_NAME
        docs = [
            s for d in (self.catalog or {}).get("dumps", {}).values() for s in d.get("stories", ())
        ]
        try:
            index = DuplicateIndex.load(self.folder)
        except LibraryError as error:
            damaged = Path(error.path) if isinstance(error, DamagedLibrary) else path
            self.report.problem(_said(error), lambda: self._rebuild_index(damaged))
            return
        missing = [s for s in docs if s.get("id") not in index]
        self.report.facts.append(f"{FILE_NAME}: {stories(len(index))}")
        if missing and self.catalog is not None:
            self.report.problem(
                f"{FILE_NAME}: {stories(len(missing))} missing (duplicates of them go unseen)",
                lambda: self._rebuild_index(path),
            )

    def _rebuild_index(self, path: Path) -> str:
        from newsreader.dedup import DuplicateIndex
        from newsreader.library import Library

        kept = move_aside(path) if path.exists() else None
        library = Library(self.folder)  # sound by now: the repairs above come first
        index = DuplicateIndex()
        for meta in library.stories:
            index.add(meta.id, meta.title, library.story(meta.id).paragraphs)
        index.save(self.folder)
        library.close()
        aside = f"moved aside to {kept.name}; " if kept else ""
        return f"{aside}rebuilt from the bodies of {stories(len(index))}"

    def _search_index(self) -> None:
        try:
            from newsreader.library.search_index.segments import open_segment, segment_names
        except ImportError:
            return
        names = segment_names(self.folder)
        for name in names:
            try:
                open_segment(self.folder, name)
            except LibraryError as error:
                self.report.problem(_said(error), functools.partial(self._set_aside_search, name))
        self.report.facts.append(f"search: {len(names)} index segment(s)")

    def _set_aside_search(self, name: str) -> str:
        parts = sorted((self.folder / "search").glob(f"{name}.*.npy"))
        # The `stories` part first: without it the segment no longer counts.
        for part in sorted(parts, key=lambda p: not p.name.endswith(".stories.npy")):
            move_aside(part)
        return "moved aside; its stories are indexed again at the next search"

    def _other_files(self) -> None:
        for path in sorted(self.folder.iterdir()):
            if ".damaged-" in path.name:
                self.report.facts.append(f"{path.name}: a damaged copy kept aside")
            elif path.name not in KNOWN_FILES and not _TEMP.match(path.name):
                self.report.facts.append(f"{path.name}: not a newsreader file (left alone)")
