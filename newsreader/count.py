"""`newsreader count`: the library's counts for a status line, read without opening the library.

The library keeps `counts.txt`, a tiny summary it rewrites whenever marks or an import commit:
the counts and the identity (inode, size, modification time) of the files they were worked out
from, taken before they were read. While every identity still matches, the counts are read from
it with nothing but `os` imported. Otherwise (another process, an older newsreader or a crash
changed a file since) they are worked out from the files themselves, read-only and lock-free.
Either way `count` writes nothing and never waits on a lock.

Imported by the `newsreader` command before anything else: only the standard library's
cheapest modules here at module level.
"""

import os
import sys

# Neither `from __future__ import annotations` nor `typing`: each would take longer to import
# than the rest of `count` takes to run. Names only annotations use are quoted.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from newsreader.library import Library

SUMMARY_FILE = "counts.txt"
WATCHED = ("library.json", "marks.json", "marks.log")
_MAGIC = "newsreader counts 1"
KEYS = ("stories", "unread", "starred")

# (stories shown, unread among them, starred) as the app's status line gives them.
Counts = tuple[int, int, int]


def _stamp(path: str) -> str:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "-"
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def stamps(folder: str | os.PathLike[str]) -> list[str]:
    """The identity of each file the counts depend on, as text; '-' for a missing file."""
    return [_stamp(os.path.join(folder, name)) for name in WATCHED]


def read_summary(folder: str | os.PathLike[str]) -> Counts | None:
    """The counts `counts.txt` holds if it is there, sound and still true; else None."""
    try:
        with open(os.path.join(folder, SUMMARY_FILE), encoding="ascii") as handle:
            lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 3 or lines[0] != _MAGIC or lines[1].split() != stamps(folder):
        return None
    try:
        values = [int(value) for value in lines[2].split()]
    except ValueError:
        return None
    if len(values) != 3 or min(values) < 0:
        return None
    return values[0], values[1], values[2]


def save_summary(library: "Library", counted: tuple[int, int] | None = None) -> None:
    """Write `counts.txt` for the library's state, when that is the state of its files;
    `counted` is its (unread, starred) when the caller knows them.

    Best effort, never raises: when another process wrote what the library has not read, no
    summary is written (and `count` works the counts out from the files). Not fsynced: a
    summary lost or torn in a crash no longer matches its files and is worked around.
    """
    from newsreader.errors import NewsreaderError

    folder = library.folder
    before = stamps(folder)
    try:
        if library.catalog.changed_on_disk() or not library.marks.current():
            return
        unread, starred = library.counts() if counted is None else counted
        counts = (len(library.visible_positions()), unread, starred)
        if stamps(folder) != before:
            return  # changed meanwhile: the counts may not be those of `before`
        text = f"{_MAGIC}\n{' '.join(before)}\n{' '.join(map(str, counts))}\n"
        temp = folder / f".{SUMMARY_FILE}.{os.getpid()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text.encode("ascii"))
        finally:
            os.close(fd)
        os.replace(temp, folder / SUMMARY_FILE)
    except (OSError, NewsreaderError):
        return


def library_counts(library: "Library") -> Counts:
    """(stories shown, unread, starred) of an opened library."""
    unread, starred = library.counts()
    return len(library.visible_positions()), unread, starred


def wants_count(argv: "Sequence[str]") -> bool:
    """Whether `argv` (without the program name) runs `count`, possibly after `--db PATH`."""
    at = 0
    while at < len(argv) and argv[at].startswith("--db"):
        at += 1 if "=" in argv[at] else 2
    return at < len(argv) and argv[at] == "count"


def fast_main(argv: "Sequence[str]") -> int | None:
    """Answer `newsreader [--db PATH] count [--unread] [--starred] [--json]` from the summary,
    without argparse or the library; None when that cannot be done here (the caller then runs
    the ordinary command line, which answers the same, only later)."""
    folder: str | None = None
    at = 0
    while argv[at] != "count":
        option = argv[at]
        if "=" in option:
            folder, at = option.split("=", 1)[1], at + 1
        elif at + 1 < len(argv):
            folder, at = argv[at + 1], at + 2
        else:
            return None
    wanted = set()
    as_json = False
    for option in argv[at + 1 :]:
        if option in ("--unread", "--starred"):
            wanted.add(option[2:])
        elif option == "--json":
            as_json = True
        else:
            return None  # --query, --help or a mistake: for argparse to answer
    folder = folder or default_folder()
    if folder is None:
        return None
    counts = read_summary(folder)
    if counts is None:
        return None
    sys.stdout.write(render(counts, wanted, as_json))
    return 0


def default_folder() -> str | None:
    """The default library folder as `config.default_library_path` finds it, without importing
    platformdirs; None where that takes platformdirs (not Linux)."""
    env = os.environ.get("NEWSREADER_DB")
    if env:
        return os.path.expanduser(env)
    if not sys.platform.startswith("linux"):
        return None
    data = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
    return os.path.join(data, "newsreader", "library")


def render(counts: Counts, wanted: set[str], as_json: bool) -> str:
    """The output of `count`: the counts asked for (all when none), a bare number for one."""
    keys = [key for key in KEYS if key in wanted] or list(KEYS)
    values = dict(zip(KEYS, counts, strict=True))
    if as_json:
        return "{" + ", ".join(f'"{key}": {values[key]}' for key in keys) + "}\n"
    if len(keys) == 1:
        return f"{values[keys[0]]}\n"
    labels = {"stories": "story" if values["stories"] == 1 else "stories"}
    return "  ".join(f"{values[key]} {labels.get(key, key)}" for key in keys) + "\n"


def count_command(folder: "Path", query: str | None, wanted: set[str], as_json: bool) -> int:
    """`newsreader count` by the ordinary command line: from the summary if it is true, else
    from the library's files, read-only; with `query`, of the stories it matches."""
    counts = read_summary(folder) if query is None else None
    if counts is None:
        from newsreader.snapshot import Snapshot

        snapshot = Snapshot.read(folder)
        counts = snapshot.counts() if query is None else snapshot.query_counts(query)
    sys.stdout.write(render(counts, wanted, as_json))
    return 0
