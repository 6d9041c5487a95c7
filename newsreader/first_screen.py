"""The first screen: the rows a fresh start of the app shows, kept to paint them at once.

Whenever the app holds the whole library (after opening it, and on exit) it writes
`first-screen.json` in the library folder: the first rows of the default view with their
marks and their folded versions' marks, the counts of the status line, and the identity
(inode, size, modification time) of every file whose change could change them. At start,
when every identity still matches, the app paints these rows before it opens the library,
then swaps in the real ones. When only `marks.log` has grown since (marks made by another
process), the read and starred marks appended are applied to the rows: the screen is true
again without opening the library. Anything else wrong with the file — missing, stale,
damaged, of another version — and the app starts the ordinary way: the file is disposable.

A core module: no Textual, and no numpy, which the first frame is drawn without.
"""

from __future__ import annotations

import os
import re
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from newsreader import __version__
from newsreader.library_files import FIRST_SCREEN_FILE

if TYPE_CHECKING:
    from newsreader.library import Library

FILE_NAME = FIRST_SCREEN_FILE
ROWS = 200  # a screenful of the tallest terminal likely
WATCHED = ("library.json", "marks.json", "marks.log")  # library.json: every import's commit
# 2: rows keep the published time, so that ages are worked out when drawn; 3: the counts,
# the versions' marks and the newest mark's time, so that marks can be made and corrected
_FORMAT = 3
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MARKS = ("read", "starred")  # the marks a first screen shows and can be corrected for

Stamp = tuple[int, int, int] | None


@dataclass(frozen=True, slots=True)
class ScreenRow:
    """One row of the list as drawn: the story's fields shown, its place and its marks."""

    id: str
    title: str
    source: str
    age: str
    published: str  # ISO 8601 UTC; "" when the story is undated
    role: str
    depth: int
    hidden_versions: int
    read: bool
    starred: bool


_TYPES = (str, str, str, str, str, str, int, int, bool, bool)


@dataclass(frozen=True, slots=True)
class Version:
    """Another version of a row's story, folded under it: its id and marks."""

    id: str
    read: bool
    starred: bool


@dataclass(frozen=True)
class FirstScreen:
    """The rows a fresh start shows first, with what the status line says of the library."""

    rows: tuple[ScreenRow, ...]
    title: str  # what the list shows: "All stories (40)"
    unread: int | None  # None: marks made elsewhere since, on stories off this screen
    starred: int | None
    versions: dict[str, tuple[Version, ...]]  # the other versions of each row that has any
    latest: int  # the time (ns) of the newest mark the screen was made with

    @property
    def status(self) -> str:
        """The status line as the app shows it."""
        return status_line(self.title, self.unread, self.starred)


def status_line(title: str, unread: int | None, starred: int | None) -> str:
    """The app's status line: what is shown and the library's unread and starred counts
    ("…" for a count not known yet)."""
    return f"{title}  ·  {_count(unread)} unread  ·  {_count(starred)} starred"


def _count(value: int | None) -> str:
    return "…" if value is None else str(value)


def stamps(folder: Path, config_path: Path | None) -> dict[str, Stamp]:
    """The identity of each file the first screen depends on; None for a missing file."""
    paths = {name: folder / name for name in WATCHED}
    if config_path is not None:
        paths["config"] = config_path
    return {name: _stamp(path) for name, path in paths.items()}


def _stamp(path: Path) -> Stamp:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def read(folder: Path, config_path: Path | None, exact: bool = False) -> FirstScreen | None:
    """The first screen saved in `folder`, if it is there, sound and still true — or, unless
    `exact`, made true by the marks appended to `marks.log` since; else None."""
    try:
        data = orjson.loads((folder / FILE_NAME).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    try:
        now = stamps(folder, config_path)
        saved = {name: None if s is None else tuple(s) for name, s in data["stamps"].items()}
        if saved == now:
            return _parse(data)
        grown_from = None if exact else _log_grown(saved, now)
        if grown_from is None:
            return None
        screen = _parse(data)
        return None if screen is None else corrected(screen, folder / "marks.log", grown_from)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # damaged or written by another version (or a log line damaged)
    except OSError:
        return None  # the log gone or unreadable since its identity was taken


def _log_grown(saved: dict[str, Any], now: dict[str, Stamp]) -> int | None:
    """Where `marks.log` was when the screen was saved, if only appends changed it since."""
    if set(saved) != set(now) or any(saved[n] != now[n] for n in now if n != "marks.log"):
        return None
    before, after = saved["marks.log"], now["marks.log"]
    if before is None or after is None or before[0] != after[0] or after[1] < before[1]:
        return None  # made, replaced or emptied (a compaction also replaces marks.json)
    return int(before[1])


def corrected(screen: FirstScreen, log: Path, offset: int) -> FirstScreen | None:
    """`screen` with the read and starred marks appended to `log` after byte `offset` applied;
    None when what was appended may change more than marks on it (a grouping, a mute, a mark
    not newer than every one the screen was made with, a line cut short)."""
    with log.open("rb") as handle:
        handle.seek(offset)
        raw = handle.read()
    if raw and not raw.endswith(b"\n"):
        return None  # an append under way, or one cut short by a crash: the library knows
    newest: dict[tuple[str, str], tuple[int, str, bool]] = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        record = orjson.loads(line)
        if not isinstance(record, dict):
            continue
        story, field, when = record.get("id"), record.get("f"), record.get("t")
        # What the library's marks skip changes nothing (see MarkState._apply).
        if not (isinstance(story, str) and isinstance(when, int)):
            continue
        if field in ("group", "hidden"):
            return None  # the rows themselves may change
        if field not in MARKS:
            continue
        if when <= screen.latest:
            return None  # it may lose to a mark the screen shows (clocks of merged copies)
        stamped = (when, str(record.get("o", "")), bool(record.get("v")))
        key = (story, str(field))
        if key not in newest or stamped[:2] > newest[key][:2]:
            newest[key] = stamped
    return _applied(screen, newest)


def _applied(
    screen: FirstScreen, newest: dict[tuple[str, str], tuple[int, str, bool]]
) -> FirstScreen:
    """`screen` with each (story, mark) set to its newest value."""
    rows = {row.id: row for row in screen.rows}
    versions = {sid: list(listed) for sid, listed in screen.versions.items()}
    where = {v.id: (sid, n) for sid, listed in versions.items() for n, v in enumerate(listed)}
    unread, starred = screen.unread, screen.starred
    for (story, field), (_when, _origin, value) in newest.items():
        step = 1 if value else -1
        if story in rows:
            row = rows[story]
            if getattr(row, field) != value:
                rows[story] = (
                    replace(row, read=value) if field == "read" else replace(row, starred=value)
                )
                if field == "read":
                    unread = None if unread is None else unread - step
                else:
                    starred = None if starred is None else starred + step
        elif story in where:
            sid, number = where[story]
            version = versions[sid][number]
            if getattr(version, field) != value:
                versions[sid][number] = (
                    replace(version, read=value)
                    if field == "read"
                    else (replace(version, starred=value))
                )
                # A folded version is not counted unread; a star counts wherever it is.
                if field == "starred":
                    starred = None if starred is None else starred + step
        elif field == "read":
            unread = None  # a story off this screen: whether it counts is the library's to say
        else:
            starred = None
    latest = max([screen.latest, *(stamped[0] for stamped in newest.values())])
    return FirstScreen(
        tuple(rows.get(row.id, row) for row in screen.rows),
        screen.title,
        unread,
        starred,
        {sid: tuple(listed) for sid, listed in versions.items()},
        latest,
    )


def _parse(data: Any) -> FirstScreen | None:
    if data.get("format") != _FORMAT or data.get("version") != __version__:
        return None
    rows = tuple(_row(raw) for raw in data["rows"])
    title, unread, starred, latest = data["title"], data["unread"], data["starred"], data["latest"]
    if not rows or not isinstance(title, str) or _CONTROL.search(title):
        return None
    if not all(type(n) is int and n >= 0 for n in (unread, starred, latest)):
        return None
    versions = {
        str(sid): tuple(_version(v) for v in listed) for sid, listed in data["versions"].items()
    }
    if not set(versions) <= {row.id for row in rows}:
        return None
    return FirstScreen(rows, title, unread, starred, versions, latest)


def _version(raw: Any) -> Version:
    sid, was_read, was_starred = raw
    if type(sid) is not str or type(was_read) is not bool or type(was_starred) is not bool:
        raise ValueError("not a version")
    return Version(sid, was_read, was_starred)


def _row(raw: Any) -> ScreenRow:
    values = tuple(raw)
    if len(values) != len(_TYPES) or not all(
        type(v) is t for v, t in zip(values, _TYPES, strict=True)
    ):
        raise ValueError("not a row")
    # What is written to the terminal as is must not carry escape sequences: imported text
    # never does, so a row that does was not written by newsreader.
    if any(_CONTROL.search(v) for v in values if isinstance(v, str)):
        raise ValueError("control characters in a row")
    return ScreenRow(*values)


def write(folder: Path, screen: FirstScreen, stamped: dict[str, Stamp]) -> None:
    """Save `screen` as true of the files whose identities are `stamped` (taken before the
    state it shows was read)."""
    from newsreader.storage import write_atomic  # only once the app is up: start-up skips it

    data = {
        "format": _FORMAT,
        "version": __version__,
        "stamps": stamped,
        "title": screen.title,
        "unread": screen.unread,
        "starred": screen.starred,
        "latest": screen.latest,
        "rows": [astuple(row) for row in screen.rows],
        "versions": {
            sid: [astuple(version) for version in listed] for sid, listed in screen.versions.items()
        },
    }
    write_atomic(folder / FILE_NAME, orjson.dumps(data))


def first_screen_of(library: Library, counts: tuple[int, int] | None = None) -> FirstScreen:
    """The first rows and the status line of the default view, as a fresh start shows them;
    `counts` are the library's (unread, starred) when the caller has them already."""
    # Imported here: reading a saved first screen at start-up must not load them.
    from newsreader.filters import View, select
    from newsreader.rows import StoryRows

    view = View()
    stories, total = select(library, view)
    rows = StoryRows(stories, library.versions, library.meta)
    unread, starred = library.counts() if counts is None else counts
    first = rows[:ROWS]
    shown = tuple(
        ScreenRow(
            row.story.id,
            row.story.title,
            row.story.source,
            row.story.age,
            row.story.published or "",
            row.story.role,
            row.depth,
            row.hidden_versions,
            library.is_read(row.story.id),
            library.is_starred(row.story.id),
        )
        for row in first
    )
    versions = {
        row.story.id: tuple(
            Version(sid, library.is_read(sid), library.is_starred(sid))
            for sid in library.versions(row.story.id)[1:]
        )
        for row in first
        if row.hidden_versions
    }
    title = view.title(len(stories), total)
    return FirstScreen(shown, title, unread, starred, versions, library.marks.latest)


def save_first_screen(
    library: Library, config_path: Path | None, counts: tuple[int, int] | None = None
) -> None:
    """Save the library's first screen for the next start, unless the saved one is still true.

    Best effort: a library that cannot be written to just starts the ordinary way.
    """
    from newsreader.errors import NewsreaderError

    folder = library.folder
    if read(folder, config_path, exact=True) is not None:
        return
    before = stamps(folder, config_path)
    try:
        if library.refresh():  # another process wrote since: what it wrote is on disk
            counts = None
        screen = first_screen_of(library, counts)
        # Unchanged meanwhile: the files are the ones the screen was made from.
        if screen.rows and stamps(folder, config_path) == before:
            write(folder, screen, before)
    except (OSError, NewsreaderError):
        return
