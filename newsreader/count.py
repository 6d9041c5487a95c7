"""`newsreader count`: the library's counts for a status line, read without opening the library.

The library keeps `counts.txt` (written by library/summary.py), a tiny summary it rewrites
whenever marks or an import commit: the counts and the identity (inode, size, modification
time) of the files they were worked out from, taken before they were read. While every identity
still matches, the counts are read from it with nothing but `os` imported. Otherwise (another
process, an older newsreader or a crash changed a file since) they are worked out from the
files themselves, read-only and lock-free.
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

SUMMARY_FILE = "counts.txt"
WATCHED = ("library.json", "marks.json", "marks.log")
MAGIC = "newsreader counts 1"
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
    if len(lines) < 3 or lines[0] != MAGIC or lines[1].split() != stamps(folder):
        return None
    try:
        values = [int(value) for value in lines[2].split()]
    except ValueError:
        return None
    if len(values) != 3 or min(values) < 0:
        return None
    return values[0], values[1], values[2]


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
