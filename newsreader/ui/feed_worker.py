"""The app's fetch of subscriptions: a thread worker reporting progress and the end by messages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import App
from textual.message import Message
from textual.worker import Worker

from newsreader.errors import NewsreaderError
from newsreader.rules import Rule
from newsreader.undo import Change


class FetchProgress(Message):
    """One more feed was fetched: `done` of `total`, the last one named."""

    def __init__(self, done: int, total: int, name: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.name = name


class FeedsFetched(Message):
    """The fetch ended: its summary, the feeds that failed, or the error that stopped it."""

    def __init__(
        self,
        summary: str,
        failed: list[str],
        error: str | None = None,
        changes: Sequence[Change] = (),
    ) -> None:
        super().__init__()
        self.summary = summary
        self.failed = failed
        self.error = error
        self.changes = list(changes)  # what mute rules did to the new stories, for undo


def start_fetch(app: App[Any], library_folder: Path, rules: Sequence[Rule] = ()) -> Worker[None]:
    """Fetch every subscription due in a thread worker (one at a time: a second waits)."""

    def progress(done: int, total: int, name: str) -> None:
        app.post_message(FetchProgress(done, total, name))

    def run() -> None:
        from newsreader.feeds.fetch import fetch_feeds
        from newsreader.library import Library

        try:
            library = Library(library_folder)
            library.rules = rules
            try:
                report = fetch_feeds(library, on_feed=progress)
            finally:
                library.close()
        except NewsreaderError as error:
            app.post_message(FeedsFetched("", [], str(error)))
            return
        failed = [
            f"{r.subscription.display_name}: {r.reason}"
            for r in report.results
            if r.outcome == "failed"
        ]
        app.post_message(FeedsFetched(report.summary(), failed, changes=report.rule_changes))

    return app.run_worker(run, name="fetch feeds", group="fetch", thread=True, exclusive=True)


class FullTextRead(Message):
    """Reading a story's page ended: the new text's id (None when the summary stays), in words."""

    def __init__(self, story_id: str, new_id: str | None, message: str) -> None:
        super().__init__()
        self.story_id = story_id
        self.new_id = new_id
        self.message = message


def start_full_text(app: App[Any], library_folder: Path, story_id: str) -> Worker[None]:
    """Read the page of one story in a thread worker and store its text as the story's own."""

    def run() -> None:
        from datetime import UTC, datetime

        from newsreader.feeds.full_text import read_story_page
        from newsreader.library import Library

        try:
            library = Library(library_folder)
            try:
                read = read_story_page(library, story_id, datetime.now(UTC))
            finally:
                library.close()
        except NewsreaderError as error:
            app.post_message(FullTextRead(story_id, None, f"full text not stored: {error}"))
            return
        app.post_message(FullTextRead(story_id, read.new_id, read.message))

    return app.run_worker(run, name="full text", group="full-text", thread=True)


def notify_fetched(app: App[Any], message: FeedsFetched) -> None:
    """Tell the user what a fetch did, naming the feeds that failed."""
    if message.error is not None:
        app.notify(message.error, title="Fetch failed", severity="error", markup=False)
        return
    app.notify(message.summary, title="Feeds", markup=False)
    if message.failed:
        shown = "\n".join(message.failed[:8]) + (
            f"\n… and {len(message.failed) - 8} more" if len(message.failed) > 8 else ""
        )
        app.notify(shown, title="Not fetched", severity="warning", timeout=10, markup=False)
