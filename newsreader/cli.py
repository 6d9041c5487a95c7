"""The commands behind `newsreader import|list|show|mark|group|ungroup|merge|doctor|export`."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from newsreader.counting import count, stories
from newsreader.doctor import doctor_command
from newsreader.errors import NewsreaderError
from newsreader.feeds.commands import COMMANDS as FEED_COMMANDS
from newsreader.importer import ImportOutcome, import_paths
from newsreader.library import Library, StoryMeta
from newsreader.models import Story
from newsreader.when import byline, local_now, long_age, newest_first_key

READING_WIDTH = 78


def _with_progress(library: Library, args: argparse.Namespace) -> ImportOutcome:
    """Import with a progress bar on a terminal, and quietly otherwise."""
    if not sys.stderr.isatty():
        return import_paths(library, args.paths, args.captured_at, workers=_workers())
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
    task = progress.add_task("import", total=None)

    def on_file(number: int, total: int, _path: object) -> None:
        progress.update(task, completed=number - 1, total=total)

    with progress:
        return import_paths(library, args.paths, args.captured_at, on_file, workers=_workers())


def _workers() -> int:
    """Processes to read dumps with: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def import_command(library: Library, args: argparse.Namespace) -> int:
    """Import files and folders (OPML files: subscribe); exit 1 when any file was rejected."""
    opml = [path for path in args.paths if path.suffix.lower() == ".opml" and path.is_file()]
    if opml:
        from newsreader.feeds.commands import import_opml

        status = import_opml(library, opml)
        args.paths = [path for path in args.paths if path not in opml]
        if not args.paths:
            return status
        return max(status, import_command(library, args))
    outcome = _with_progress(library, args)
    report = outcome.report
    for warning in report.warnings:
        print(f"newsreader: warning: {warning}", file=sys.stderr)
    for error in outcome.rejected:
        print(f"newsreader: rejected {error.name}: {error.reason}", file=sys.stderr)
    for change in report.rule_changes:
        print(f"mute rules: {change.description}")
    print(
        f"{count(report.dumps_read, 'dump')} read ({report.dumps_already_there} already in the "
        f"library), {stories(report.stories_added)} added, "
        f"{count(report.duplicates_hidden, 'duplicate')} hidden, "
        f"{count(len(outcome.rejected), 'file')} rejected"
    )
    return 1 if outcome.rejected else 0


def story_json(story: Story, captured_at: str, now: datetime) -> dict[str, Any]:
    """The `list --json` object of a story: the stable contract scripts rely on.

    `age` is the dump's text, as it was when the page was saved; `age_now` is worked out
    from `published` at `now` ("undated" when the page gave no time).
    """
    return {
        "id": story.id,
        "title": story.title,
        "source": story.source,
        "age": story.age,
        "age_now": long_age(story.published, now),
        "published": story.published,
        "captured_at": captured_at,
        "authors": list(story.authors),
        "paragraphs": list(story.paragraphs),
        "role": story.role,
        "main_id": story.main_id,
        "dump": story.dump,
        "read": story.read,
        "starred": story.starred,
        "duplicate_of": story.duplicate_of,
        "tags": list(story.tags),
    }


def list_command(library: Library, args: argparse.Namespace) -> int:
    """Print stories newest first, as text or one JSON object per line."""
    metas = _newest_first(library, _hidden(library) if args.hidden else _listed(library, args))
    if args.query is not None:
        metas = _matching(library, args.query, metas)
    out = sys.stdout
    now = local_now()
    for meta in metas:
        if args.unread and library.is_read(meta.id):
            continue
        if args.starred and not library.is_starred(meta.id):
            continue
        if args.json:
            story = library.story(meta.id)
            record = story_json(story, library.captured_at(meta.id), now)
            out.write(orjson.dumps(record).decode() + "\n")
        else:
            flags = ("*" if library.is_starred(meta.id) else " ") + (
                " " if library.is_read(meta.id) else "N"
            )
            age = long_age(meta.published, now)
            out.write(f"{meta.id}  {flags}  {meta.source[:18]:<18}  {age:<15}  {meta.title}\n")
    return 0


def _listed(library: Library, args: argparse.Namespace) -> Sequence[StoryMeta]:
    return library.stories if args.all else library.visible()


def _hidden(library: Library) -> list[StoryMeta]:
    """The stories left out of every list by a mute rule or `mark --hide`."""
    return [meta for meta in library.stories if library.is_hidden(meta.id)]


def render_story(story: Story, versions: list[tuple[str, str]], now: datetime) -> str:
    """A story as plain, wrapped text for the terminal, its age as it is at `now`."""
    lines = [story.title, "=" * min(len(story.title), READING_WIDTH)]
    lines.append(byline(story.source, story.published, now))
    if story.authors:
        lines.append("By " + ", ".join(story.authors))
    if story.published:
        lines.append(f"Published {story.published}")
    lines.append(f"id {story.id}  dump {story.dump}")
    marks = [m for m, on in (("read", story.read), ("starred", story.starred)) if on]
    if marks:
        lines.append("Marked " + " and ".join(marks))
    for paragraph in story.paragraphs:
        lines.append("")
        lines.extend(textwrap.wrap(paragraph, READING_WIDTH, break_long_words=True) or [""])
    for caption in story.captions:
        lines.extend(["", *textwrap.wrap(f"[photo] {caption}", READING_WIDTH)])
    for note in story.notes:
        lines.extend(["", *textwrap.wrap(note, READING_WIDTH)])
    if versions:
        lines.extend(["", "Other versions:"])
        lines.extend(f"  {vid}  {source}" for vid, source in versions)
    return "\n".join(lines) + "\n"


def show_command(library: Library, args: argparse.Namespace) -> int:
    """Print one story as readable text, with its other versions."""
    story = library.story(library.resolve(args.id))
    if args.format == "markdown":
        from newsreader.pipes import story_markdown

        sys.stdout.write(story_markdown(story))
        return 0
    others = [v for v in library.versions(story.id) if v != story.id]
    versions = [(v, f"{library.meta(v).source} — {library.meta(v).title}") for v in others]
    sys.stdout.write(render_story(story, versions, local_now()))
    return 0


def _newest_first(library: Library, metas: Sequence[StoryMeta]) -> list[StoryMeta]:
    """`metas` newest first; an undated story where the time its page was saved puts it."""
    ordered = sorted(metas, key=lambda m: m.order)
    ordered.sort(
        key=lambda m: newest_first_key(m.published, library.captured_at(m.id)), reverse=True
    )
    return ordered


def _matching(library: Library, text: str, metas: Sequence[StoryMeta]) -> list[StoryMeta]:
    """The stories of `metas` that the query `text` matches, in the order given."""
    from newsreader.query import parse_query
    from newsreader.search.index import find

    wanted = set(find(library, parse_query(text, datetime.now().astimezone())).ids)
    return [meta for meta in metas if meta.id in wanted]


def _confirmed(question: str) -> bool:
    """Ask `question` on the terminal; only y or yes is a yes."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def mark_command(library: Library, args: argparse.Namespace) -> int:
    """Mark stories read, unread, starred or unstarred: those given, or those a query matches."""
    if bool(args.ids) == (args.query is not None):
        raise NewsreaderError("mark takes story ids or --query QUERY (one of the two)")
    if args.query is not None:
        pool = _hidden(library) if args.how == "unhide" else library.visible()
        ids = [meta.id for meta in _matching(library, args.query, pool)]
        print(f"{stories(len(ids))} {'matches' if len(ids) == 1 else 'match'} {args.query!r}")
        if not ids:
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                raise NewsreaderError("mark --query needs --yes when there is no terminal to ask")
            question = {"hide": "Hide them?", "unhide": "Show them again?"}
            if not _confirmed(question.get(args.how, f"Mark them {args.how}?")):
                print("nothing marked")
                return 0
    else:
        ids = [library.resolve(text) for text in args.ids]
    if args.how in ("hide", "unhide"):
        changed = library.set_hidden(ids, args.how == "hide")
        done = "hidden" if args.how == "hide" else "shown again"
        print(f"{stories(len(changed))} {done}")
        return 0
    if args.how in ("read", "unread"):
        changed = library.set_read(ids, args.how == "read")
    else:
        changed = library.set_starred(ids, args.how == "star")
    print(f"{stories(len(changed))} marked {args.how}{_versions_note(ids, changed)}")
    return 0


def _versions_note(given: Sequence[str], changed: Sequence[str]) -> str:
    """Why more stories were marked than were matched: their other versions went with them."""
    extra = len(set(changed) - set(given))
    return f", including {count(extra, 'other version')}" if extra else ""


def export_command(library: Library, args: argparse.Namespace) -> int:
    """Write stories (starred, read, or matching a query) as Markdown or a JSON array."""
    from newsreader import export

    if args.opml:
        from newsreader.feeds.commands import export_opml

        return export_opml(library, args.output)
    text = args.query if args.query is not None else ("starred" if args.starred else "read")
    metas = _matching(
        library, text, _newest_first(library, library.stories if args.all else library.visible())
    )
    chosen = [library.story(meta.id) for meta in metas]
    if args.format == "json":
        now = local_now()
        data = export.json_array(
            [story_json(story, library.captured_at(story.id), now) for story in chosen]
        )
    else:
        data = export.markdown(chosen).encode()
    export.write(data, args.output)
    if args.output is not None and str(args.output) != "-":
        print(f"{stories(len(chosen))} written to {args.output}", file=sys.stderr)
    return 0


def group_command(library: Library, args: argparse.Namespace) -> int:
    """Join two stories into one group."""
    keep, other = library.resolve(args.keep), library.resolve(args.other)
    library.group(keep, other)
    print(f"{other} is now a version of {library.versions(keep)[0]}")
    return 0


def ungroup_command(library: Library, args: argparse.Namespace) -> int:
    """Split a story out of its group."""
    story_id = library.resolve(args.id)
    library.ungroup(story_id)
    print(f"{story_id} is now shown on its own")
    return 0


def merge_command(library: Library, args: argparse.Namespace) -> int:
    """Take another library copy's marks where they are newer (the later change wins)."""
    taken = library.merge_marks_from(args.other)
    print(f"{count(taken, 'mark')} taken from {args.other}")
    return 0


def tag_command(library: Library, args: argparse.Namespace) -> int:
    """Add tags to a story, or with --source to a source (its stories inherit them)."""
    return _tagging(library, args, add=True)


def untag_command(library: Library, args: argparse.Namespace) -> int:
    """Remove tags from a story, or with --source from a source."""
    return _tagging(library, args, add=False)


def _tagging(library: Library, args: argparse.Namespace, add: bool) -> int:
    from newsreader.library.tags import tag_source
    from newsreader.tag_values import clean, tag_name, with_tag

    words = list(args.words)
    story_id = None
    if args.source is None:
        if len(words) < 2:
            raise NewsreaderError(f"{args.command} needs a story id and at least one tag")
        story_id = library.resolve(words.pop(0))
    names = [tag_name(word) for word in words]
    if story_id is None:
        now = tag_source(library, args.source, names, add)
        print(f"source {args.source!r}: {', '.join(now) or 'no tags'}")
        return 0
    value = library.marks_of("tags", [story_id])[story_id]
    for name in names:
        value = with_tag(value, name, add)
    if list(value or []) != list(clean(library.marks_of("tags", [story_id])[story_id])):
        library.restore_marks("tags", {story_id: value})
    print(f"{story_id}: {', '.join(clean(value)) or 'no tags'}")
    return 0


COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    **FEED_COMMANDS,
    "import": import_command,
    "list": list_command,
    "show": show_command,
    "mark": mark_command,
    "group": group_command,
    "ungroup": ungroup_command,
    "merge": merge_command,
    "export": export_command,
    "tag": tag_command,
    "untag": untag_command,
}
# Commands given the library folder rather than an opened Library: doctor must run on a
# library too damaged to open.
FOLDER_COMMANDS: dict[str, Callable[[Path, argparse.Namespace], int]] = {
    "doctor": doctor_command,
}
