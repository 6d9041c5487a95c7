"""The first screen: the rows a fresh start of the app shows, kept to paint them at once.

Whenever the app holds the whole library (after opening it, and on exit) it writes
`first-screen.json` in the library folder: the first rows of the default view, the status line,
and the identity (inode, size, modification time) of every file whose change could change
them. At start, when every identity still matches, the app paints these rows before it opens
the library, then swaps in the real ones. Anything wrong with the file — missing, stale,
damaged, of another version — and the app starts the ordinary way: the file is disposable.

A core module: no Textual, and no numpy, which the first frame is drawn without.
"""

from __future__ import annotations

import os
import re
from dataclasses import astuple, dataclass
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
_FORMAT = 2  # 2: rows keep the published time, so that ages are worked out when drawn
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

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


@dataclass(frozen=True)
class FirstScreen:
    """The rows and status line a fresh start shows first."""

    rows: tuple[ScreenRow, ...]
    status: str


def status_line(title: str, unread: int, starred: int) -> str:
    """The app's status line: what is shown and the library's unread and starred counts."""
    return f"{title}  ·  {unread} unread  ·  {starred} starred"


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


def read(folder: Path, config_path: Path | None) -> FirstScreen | None:
    """The first screen saved in `folder`, if it is there, sound and still true; else None."""
    try:
        data = orjson.loads((folder / FILE_NAME).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    try:
        return _parse(data, stamps(folder, config_path))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # damaged or written by another version


def _parse(data: Any, now: dict[str, Stamp]) -> FirstScreen | None:
    if data.get("format") != _FORMAT or data.get("version") != __version__:
        return None
    saved = {name: None if s is None else tuple(s) for name, s in data["stamps"].items()}
    if saved != now:
        return None
    rows = tuple(_row(raw) for raw in data["rows"])
    status = data["status"]
    if not rows or not isinstance(status, str) or _CONTROL.search(status):
        return None
    return FirstScreen(rows, status)


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
        "status": screen.status,
        "rows": [astuple(row) for row in screen.rows],
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
        for row in rows[:ROWS]
    )
    return FirstScreen(shown, status_line(view.title(len(stories), total), unread, starred))


def save_first_screen(
    library: Library, config_path: Path | None, counts: tuple[int, int] | None = None
) -> None:
    """Save the library's first screen for the next start, unless the saved one is still true.

    Best effort: a library that cannot be written to just starts the ordinary way.
    """
    from newsreader.errors import NewsreaderError

    folder = library.folder
    if read(folder, config_path) is not None:
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
