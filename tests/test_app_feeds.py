"""`R` in the app and the fetch interval, driven with Pilot against a local feed server."""

from __future__ import annotations

from pathlib import Path

from newsreader.config import Config, load_config, save_config
from newsreader.feeds.commands import subscribe
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.subscriptions import Subscription
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.story_list import StoryList
from tests.conftest import CAPTURED, SEED
from tests.feeds_helpers import FeedServer, items, rss, server
from tests.test_app_watch import recording, until

__all__ = ["server"]


def seeded_with_feed(folder: Path, server: FeedServer) -> Library:
    library = Library(folder)
    import_paths(library, [SEED], CAPTURED)
    url = server.put("/live.xml", rss("Live Feed", items("live", 4)))
    subscribe(folder, [Subscription(url=url)])
    return library


async def test_R_fetches_in_the_background_and_lists_the_new_stories(
    tmp_path: Path, server: FeedServer
) -> None:
    library = seeded_with_feed(tmp_path / "lib", server)
    before = len(library.visible())
    app = NewsReader(library, Config())
    notes = recording(app)
    statuses: list[str] = []
    set_status = app.panes.set_status

    def record_status(line: str) -> None:
        statuses.append(line)
        set_status(line)

    app.panes.set_status = record_status  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("R")
        await until(pilot, lambda: any(n.startswith("Feeds:") for n in notes))
        assert "Fetching feeds 1/1 · Live Feed" in statuses
        assert not statuses[-1].startswith("Fetching")  # the usual status line once done
        rows = app.query_one(StoryList).rows
        assert len(rows) == before + 4
        assert {row.story.source for row in rows} >= {"Live Feed"}
        assert "1 feeds fetched" in next(n for n in notes if n.startswith("Feeds:"))
        await pilot.press("R")  # again: nothing new, nothing changed
        await until(pilot, lambda: sum(n.startswith("Feeds:") for n in notes) == 2)
        assert len(app.query_one(StoryList).rows) == before + 4
    assert server.not_modified == 1


async def test_a_failing_feed_is_named_in_a_notification(
    tmp_path: Path, server: FeedServer
) -> None:
    library = seeded_with_feed(tmp_path / "lib", server)
    subscribe(tmp_path / "lib", [Subscription(url=server.url("/gone.xml"), name="Gone")])
    app = NewsReader(library, Config())
    notes = recording(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("R")
        await until(pilot, lambda: any(n.startswith("Not fetched:") for n in notes))
        assert "Gone: HTTP 404 Not Found" in next(n for n in notes if n.startswith("Not fetched"))


async def test_the_fetch_interval_fetches_while_the_app_runs(
    tmp_path: Path, server: FeedServer
) -> None:
    library = seeded_with_feed(tmp_path / "lib", server)
    config = Config(fetch_interval=1)
    app = NewsReader(library, config)
    notes = recording(app)
    intervals: list[float] = []
    set_interval = app.set_interval

    def fast(interval: float, callback: object, **options: object) -> object:
        intervals.append(interval)
        return set_interval(0.2, callback, **options)  # type: ignore[arg-type]

    app.set_interval = fast  # type: ignore[assignment, method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: any(n.startswith("Feeds:") for n in notes))
    assert 60 in intervals


def test_fetch_interval_is_read_and_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(Config(fetch_interval=30), path)
    assert load_config(path).fetch_interval == 30
    path.write_text("fetch_interval = -5\n")
    assert load_config(path).fetch_interval == 0


async def test_R_applies_the_mute_rules_and_u_undoes_them(
    tmp_path: Path, server: FeedServer
) -> None:
    from newsreader.rules import Rule

    library = seeded_with_feed(tmp_path / "lib", server)
    before = len(library.visible())
    app = NewsReader(library, Config(rules=[Rule("title:live", "hide")]))
    notes = recording(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("R")
        await until(pilot, lambda: any(n.startswith("Feeds:") for n in notes))
        assert "hidden 4 stories by rule title:live" in next(
            n for n in notes if n.startswith("Feeds:")
        )
        assert len(app.query_one(StoryList).rows) == before
        await pilot.press("u")
        await pilot.pause()
        assert len(app.query_one(StoryList).rows) == before + 4
        assert not any(app.library.is_hidden(m.id) for m in app.library.stories)
    assert len(Library(tmp_path / "lib").visible()) == before + 4


def one_feed_story(folder: Path, server: FeedServer, guid: str, summary: str) -> Library:
    """A library holding one feed entry that links to `server`'s /story/GUID."""
    from newsreader.feeds.fetch import fetch_feeds

    url = server.put("/one.xml", rss("Gazette", [(guid, "Flood closes the old bridge", summary)],
                                     link=server.url("/story/")))  # fmt: skip
    subscribe(folder, [Subscription(url=url)])
    library = Library(folder)
    fetch_feeds(library)
    return library


def statuses_of(app: NewsReader) -> list[str]:
    """Every status line the app shows, in order."""
    lines: list[str] = []
    set_status = app.panes.set_status

    def record(line: str) -> None:
        lines.append(line)
        set_status(line)

    app.panes.set_status = record  # type: ignore[method-assign]
    return lines


async def test_F_reads_the_page_and_shows_it_as_the_story_s_text(
    tmp_path: Path, server: FeedServer
) -> None:
    from tests.test_feeds_full_text import PAGE, SENTENCES

    server.put("/story/bridge", PAGE, "text/html")
    library = one_feed_story(tmp_path / "lib", server, "bridge", "<p>The bridge is closed.</p>")
    (summary,) = library.stories
    app = NewsReader(library, Config())
    lines = statuses_of(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("r")  # read, and starred: the new text keeps both
        await pilot.press("s")
        await pilot.press("F")
        await until(pilot, lambda: lines[-1].startswith("full text read"), timeout=30)
        (row,) = app.query_one(StoryList).rows
        shown = row.story.id
        assert shown != summary.id and app.reader.story_id == shown
        text = app.library.story(shown)
        assert any(SENTENCES[1] in p for p in text.paragraphs)
        assert app.library.versions(shown) == [shown, summary.id]
        assert app.library.is_read(shown) and app.library.is_starred(shown)
        assert app.library.story(summary.id).paragraphs == ("The bridge is closed.",)
        await pilot.press("F")  # again: the page's text is there already, nothing added
        await until(pilot, lambda: lines[-1].startswith("the page says what the story says"))
        assert len(app.library.stories) == 2
    assert len(Library(tmp_path / "lib").stories) == 2


async def test_F_shows_the_page_s_text_when_the_look_for_changes_read_it_in_first(
    tmp_path: Path, server: FeedServer
) -> None:
    from datetime import UTC, datetime

    from newsreader.feeds.full_text import read_story_page
    from newsreader.ui.feed_worker import FullTextRead
    from tests.test_feeds_full_text import PAGE

    server.put("/story/bridge", PAGE, "text/html")
    library = one_feed_story(tmp_path / "lib", server, "bridge", "<p>The bridge is closed.</p>")
    (summary,) = library.stories
    app = NewsReader(library, Config())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.reader.story_id == summary.id
        # The page read as the F worker reads it, in a Library of its own; the app's look for
        # other processes' changes sees it before the worker's message arrives.
        other = Library(tmp_path / "lib")
        read = read_story_page(other, summary.id, datetime.now(UTC))
        other.close()
        assert read.new_id is not None
        app.background.pick_up_changes()
        app.post_message(FullTextRead(summary.id, read.new_id, read.message))
        await pilot.pause()
        assert app.reader.story_id == read.new_id


async def test_F_keeps_the_summary_and_says_why_when_the_page_cannot_be_read(
    tmp_path: Path, server: FeedServer
) -> None:
    library = one_feed_story(tmp_path / "lib", server, "gone", "<p>Only this summary.</p>")
    app = NewsReader(library, Config())
    lines = statuses_of(app)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("F")
        await until(pilot, lambda: "summary kept" in lines[-1])
        assert "Reading the full text of “Flood closes the old bridge”…" in lines
        assert f"full text of {server.url('/story/gone')} not read (HTTP 404" in lines[-1]
        (row,) = app.query_one(StoryList).rows
        assert app.library.story(row.story.id).paragraphs == ("Only this summary.",)
    assert len(Library(tmp_path / "lib").stories) == 1
