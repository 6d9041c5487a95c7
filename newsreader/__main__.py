"""The `newsreader` command: parse arguments, open the library, run a command or the app."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from newsreader import __version__
from newsreader.config import default_library_path
from newsreader.errors import NewsreaderError, in_words


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time: {text!r} (e.g. 2026-11-25T10:00:00Z)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every newsreader command."""
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="Read saved news-aggregator dumps in the terminal; duplicates folded.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="library folder (default: $NEWSREADER_DB or the user data directory)",
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="when another process holds the library's lock, stop at once instead of waiting",
    )
    parser.add_argument(
        "--watch",
        type=Path,
        metavar="DIR",
        help="import dumps that appear in DIR while the app runs (default: `watch` in config.toml)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    importing = commands.add_parser("import", help="import dump files or folders (recursive)")
    importing.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    importing.add_argument(
        "--captured-at",
        type=_timestamp,
        metavar="TIME",
        help="when the pages were saved (ISO 8601; default: each file's modification time)",
    )

    listing = commands.add_parser("list", help="list stories, newest first")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--all", action="store_true", help="include hidden duplicates")
    listing.add_argument("--unread", action="store_true", help="only unread stories")
    listing.add_argument("--starred", action="store_true", help="only starred stories")
    listing.add_argument(
        "--hidden", action="store_true", help="only stories hidden (by a mute rule, say)"
    )
    listing.add_argument("--query", metavar="QUERY", help="only stories the query matches")

    showing = commands.add_parser("show", help="show one story as readable text")
    showing.add_argument("id", metavar="ID")
    showing.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="markdown: title, source, link and text, as `|` pipes it (default: text)",
    )

    marking = commands.add_parser(
        "mark", help="mark stories read, unread, starred, unstarred, hidden or shown again"
    )
    marking.add_argument("ids", nargs="*", metavar="ID")
    marking.add_argument(
        "--query",
        metavar="QUERY",
        help="the stories the query matches (with --unhide: of those hidden)",
    )
    marking.add_argument("--yes", action="store_true", help="with --query: do not ask")
    how = marking.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        how.add_argument(f"--{flag}", dest="how", action="store_const", const=flag)
    how.add_argument(
        "--hide", dest="how", action="store_const", const="hide", help="leave out of every list"
    )
    how.add_argument(
        "--unhide",
        dest="how",
        action="store_const",
        const="unhide",
        help="show again a story hidden (by a mute rule, say)",
    )

    exporting = commands.add_parser("export", help="write stories as Markdown or JSON")
    which = exporting.add_mutually_exclusive_group(required=True)
    which.add_argument("--starred", action="store_true", help="the starred stories")
    which.add_argument("--read", action="store_true", help="the stories read")
    which.add_argument("--query", metavar="QUERY", help="the stories the query matches")
    which.add_argument("--opml", action="store_true", help="the subscriptions, as OPML")
    exporting.add_argument("--format", choices=("markdown", "json"), default="markdown")
    exporting.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")
    exporting.add_argument("--all", action="store_true", help="include hidden duplicates")

    grouping = commands.add_parser("group", help="show two stories as versions of one story")
    grouping.add_argument("keep", metavar="ID")
    grouping.add_argument("other", metavar="ID")
    ungrouping = commands.add_parser("ungroup", help="show a story on its own, not as a version")
    ungrouping.add_argument("id", metavar="ID")

    for verb, what in (("tag", "add tags to"), ("untag", "remove tags from")):
        tagging = commands.add_parser(verb, help=f"{what} a story (ID TAG...) or a source")
        tagging.add_argument("words", nargs="+", metavar="ID TAG")
        tagging.add_argument(
            "--source", metavar="NAME", help=f"{what} the source NAME instead (TAG... only)"
        )

    counting = commands.add_parser("count", help="print how many stories, unread and starred")
    counting.add_argument("--unread", action="store_true", help="the unread count")
    counting.add_argument("--starred", action="store_true", help="the starred count")
    counting.add_argument("--query", metavar="QUERY", help="of the stories the query matches")
    counting.add_argument("--json", action="store_true", help="as a JSON object")

    doctor = commands.add_parser("doctor", help="check the library's files, --repair to repair")
    doctor.add_argument("--repair", action="store_true", help="repair what can be repaired")
    merging = commands.add_parser("merge", help="take another library copy's newer marks")
    merging.add_argument("other", type=Path, metavar="OTHER_LIBRARY")
    from newsreader.feeds.arguments import add_parsers

    add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run newsreader with `argv`; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except NewsreaderError as error:
        print(f"newsreader: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            return _broken_pipe()
        # A full or failing disk met outside the library's own checks: still one line.
        where = error.filename or "newsreader"
        print(f"newsreader: {where}: {in_words(error)}", file=sys.stderr)
        return 2


def _broken_pipe() -> int:
    # The reader of our output went away (`newsreader list | head`): not an error. Point
    # stdout at nothing so that flushing it on exit does not fail again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


# The commands that may make a new library; every other one only works on an existing one,
# so that a mistyped --db says so rather than making an empty library there.
CREATING = frozenset({"import", "merge", "add"})
# What any library folder holds: a folder with none of them is not a library.
LIBRARY_FILES = ("library.json", "marks.json", "marks.log", "feeds.json")


def check_folder(folder: Path, command: str | None) -> None:
    """Refuse, in words, a library path that is not a folder, or (for a command that does
    not make a library) one where there is no library."""
    for path in (folder, *folder.parents):
        if path.is_dir():
            break
        if path.exists():
            if path == folder:
                raise NewsreaderError(f"{folder} is a file, not a library folder")
            raise NewsreaderError(f"{folder}: {path} is a file, not a folder")
    if command is None or command in CREATING:
        return
    if not folder.is_dir():
        raise NewsreaderError(
            f"{folder}: no library here (nothing imported yet? `newsreader import` makes one)"
        )
    if command != "doctor" and not any((folder / name).is_file() for name in LIBRARY_FILES):
        raise NewsreaderError(f"{folder}: not a newsreader library (no library.json in it)")


def _run(args: argparse.Namespace) -> int:
    folder = args.db or default_library_path()
    if args.command is not None and args.watch is not None:
        raise NewsreaderError(f"--watch is for the app, not for `{args.command}`")
    check_folder(folder, args.command)
    if args.command is None:
        # Start-up makes many objects and frees few: collecting garbage meanwhile only slows
        # the first paint (a full collection cost 25 ms of it). The app turns it back on.
        gc.disable()
        from newsreader.startup import run_app

        if args.watch is not None and not args.watch.is_dir():
            raise NewsreaderError(f"{args.watch}: no such folder to watch")
        return run_app(folder, watch=args.watch)
    if args.command == "count":  # reads the files as they are: never opens the library
        from newsreader.snapshot import count_command

        wanted = {name for name in ("unread", "starred") if getattr(args, name)}
        return count_command(folder, args.query, wanted, args.json)
    # Imported only for a command: the app starts faster without the dump parsers.
    from newsreader import cli
    from newsreader.library import Library

    if args.command in cli.FOLDER_COMMANDS:  # these must work when the library does not open
        return int(cli.FOLDER_COMMANDS[args.command](folder, args))
    library = Library(folder)
    library.wait_for_locks = not args.no_wait
    library.on_lock_wait = _say
    try:
        if args.command in ("import", "fetch"):
            from newsreader.config import load_config

            library.rules = load_config().rules
        status = int(cli.COMMANDS[args.command](library, args))
        if args.command in ("import", "fetch"):
            # The next start paints the new stories at once rather than opening the library
            # first (0.36 s at 100,000 stories): a small cost next to the import's.
            from newsreader.config import config_folder
            from newsreader.first_screen import save_first_screen

            save_first_screen(library, config_folder() / "config.toml")
        return status
    finally:
        library.close()


def _say(message: str) -> None:
    """Tell the user what the command is waiting for (Ctrl-C stops the wait)."""
    print(f"newsreader: {message} — Ctrl-C to stop", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
