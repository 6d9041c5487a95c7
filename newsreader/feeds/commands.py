"""The commands behind `newsreader add|feeds|remove|fetch`, OPML import and `export --opml`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import orjson

from newsreader.counting import count
from newsreader.errors import NewsreaderError
from newsreader.feeds.discover import feed_links, looks_like_html
from newsreader.feeds.errors import FeedError
from newsreader.feeds.fetch import FetchReport, fetch_feeds
from newsreader.feeds.http_get import FetchFailed, get
from newsreader.feeds.opml import read_opml, write_opml
from newsreader.feeds.parse import parse_feed
from newsreader.library import Library
from newsreader.library import subscriptions as subs
from newsreader.library.subscriptions import Subscription
from newsreader.sanitize import clean_line


def resolve_feed(url: str) -> tuple[str, str]:
    """(feed URL, title) for `url`: the feed itself, or the first one a page announces."""
    try:
        response = get(url)
        body = response.body or b""
        if looks_like_html(body, response.content_type):
            links = feed_links(body.decode("utf-8", "replace"), response.url)
            if not links:
                raise FeedError(url, "a web page that announces no feed")
            url = links[0]
            response = get(url)
            body = response.body or b""
    except FetchFailed as failure:
        raise FeedError(url, failure.reason) from None
    feed = parse_feed(body, url, datetime.now(UTC))
    return response.moved_to or url, feed.title


def add_command(library: Library, args: argparse.Namespace) -> int:
    """Subscribe to each URL (checked by fetching it) and to an OPML file's feeds."""
    if not args.urls and args.opml is None:
        raise NewsreaderError("add takes feed URLs or --opml FILE")
    failed = 0
    found: list[Subscription] = []
    if args.opml is not None:
        found.extend(read_opml(args.opml))
    for url in args.urls:
        try:
            feed_url, title = resolve_feed(clean_line(url))
        except FeedError as error:
            print(f"newsreader: cannot subscribe to {error}", file=sys.stderr)
            failed += 1
            continue
        found.append(Subscription(url=feed_url, title=title))
    added, already = subscribe(library.folder, found, args.tag, args.full_text)
    for sub in added:
        print(f"subscribed to {sub.display_name} ({sub.url})")
    if args.full_text and already:
        print(f"full text on for {len(already)} feeds already subscribed")
    print(
        f"{len(added)} feeds subscribed, {len(already)} already, {failed} failed"
        + ("; `newsreader fetch` gets their stories" if added else "")
    )
    return 1 if failed else 0


def subscribe(
    folder: Path,
    found: Sequence[Subscription],
    tags: Sequence[str] = (),
    full_text: bool = False,
) -> tuple[list[Subscription], list[Subscription]]:
    """Add the subscriptions not there yet: (added, already there). With `full_text`, every
    one named reads its entries' linked pages, those already there too."""
    added: list[Subscription] = []
    already: list[Subscription] = []
    with subs.editing(folder) as current:
        known = {s.url for s in current} | {s.key for s in current}
        for sub in found:
            if sub.url in known:
                already.append(sub)
                if full_text:
                    for present in subs.find(current, sub.url):
                        present.full_text = True
                continue
            sub.full_text = sub.full_text or full_text
            sub.tags = list(dict.fromkeys([*sub.tags, *tags]))
            current.append(sub)
            known.add(sub.url)
            added.append(sub)
    return added, already


def import_opml(library: Library, paths: Sequence[Path]) -> int:
    """Subscribe to the feeds of OPML files (`newsreader import x.opml`); 1 if any is bad."""
    status = 0
    for path in paths:
        try:
            added, already = subscribe(library.folder, read_opml(path))
        except FeedError as error:
            print(f"newsreader: rejected {error}", file=sys.stderr)
            status = 1
            continue
        print(f"{path}: {len(added)} feeds subscribed, {len(already)} already")
    return status


def feeds_command(library: Library, args: argparse.Namespace) -> int:
    """List the subscriptions: title, URL, last fetch, its outcome, stories, unread."""
    counts: dict[str, list[int]] = {}
    for meta in library.stories:
        tally = counts.setdefault(meta.dump, [0, 0])
        tally[0] += 1
        tally[1] += not library.is_read(meta.id)
    for sub in subs.load(library.folder):
        stories, unread = counts.get(sub.key, [0, 0])
        if args.json:
            data = {**subs.as_json(sub), "stories": stories, "unread": unread}
            sys.stdout.write(orjson.dumps(data).decode() + "\n")
        else:
            tags = f" [{', '.join(sub.tags)}]" if sub.tags else ""
            tags += " (full text)" if sub.full_text else ""
            print(f"{sub.display_name}{tags}\n  {sub.url}")
            print(
                f"  {stories} stories, {unread} unread · last fetch {sub.last_fetch or 'never'}"
                f" · {sub.outcome}"
            )
    return 0


def remove_command(library: Library, args: argparse.Namespace) -> int:
    """Unsubscribe from one feed, named by URL or title; with --purge, delete its stories."""
    with subs.editing(library.folder) as current:
        found = subs.find(current, args.feed)
        if not found:
            raise NewsreaderError(f"{args.feed}: no such subscription (see `newsreader feeds`)")
        if len(found) > 1:
            raise NewsreaderError(f"{args.feed}: names {len(found)} feeds; give the URL")
        gone = found[0]
        current.remove(gone)
    said = f"unsubscribed from {gone.display_name} ({gone.url})"
    if not getattr(args, "purge", False):
        print(f"{said}; its stories stay")
        return 0
    # Unsubscribed first: no later fetch brings the stories back.
    deleted = library.delete_dumps(lambda name: name == gone.key)
    print(f"{said}; {count(len(deleted), 'story', 'stories')} deleted")
    return 0


def fetch_command(library: Library, args: argparse.Namespace) -> int:
    """Fetch subscriptions with a progress bar on a terminal; exit 1 when any feed failed."""
    report = _with_progress(library, args.urls)
    for result in report.results:
        name = result.subscription.display_name
        for warning in result.warnings:
            print(f"newsreader: warning: {name}: {warning}", file=sys.stderr)
        if result.outcome == "failed":
            print(
                f"newsreader: failed {name} ({result.subscription.url}): {result.reason}",
                file=sys.stderr,
            )
    print(report.summary())
    return 1 if report.count("failed") else 0


def _with_progress(library: Library, wanted: Sequence[str]) -> FetchReport:
    if not sys.stderr.isatty():
        return fetch_feeds(library, wanted)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        transient=True,
    )
    task = progress.add_task("", total=None)

    def on_feed(number: int, total: int, name: str) -> None:
        progress.update(task, completed=number, total=total, description=name[:40])

    with progress:
        return fetch_feeds(library, wanted, on_feed)


def export_opml(library: Library, output: Path | None) -> int:
    """Write the subscriptions as OPML to `output` (stdout when None)."""
    from newsreader import export

    export.write(write_opml(subs.load(library.folder)).encode(), output)
    return 0


COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "add": add_command,
    "feeds": feeds_command,
    "remove": remove_command,
    "fetch": fetch_command,
}
