"""A feed entry whose text changes: a new version shown, the old kept, the marks carried."""

from __future__ import annotations

from pathlib import Path

from newsreader.doctor import examine
from newsreader.feeds.fetch import fetch_feeds
from newsreader.library import Library
from newsreader.library import subscriptions as subs
from newsreader.library.subscriptions import Subscription
from tests.feeds_helpers import FeedServer, items, rss, server

__all__ = ["server"]

FIRST = "<p>The council met on Monday and said little about the budget for the coming year.</p>"
SECOND = "<p>Updated: the council voted on Monday night to cut the budget by a tenth.</p>"


def _subscribed(server: FeedServer, library_path: Path, body: str) -> tuple[Library, str]:
    url = server.put("/news.xml", rss("News", [("council", "Council meets", body)]))
    library = Library(library_path)
    subs.save(library_path, [Subscription(url=url)])
    return library, url


def test_a_changed_entry_shows_its_new_text_keeps_the_old_and_the_marks(
    server: FeedServer, library_path: Path
) -> None:
    library, _ = _subscribed(server, library_path, FIRST)
    fetch_feeds(library)
    [old] = [m.id for m in library.stories]
    library.set_read([old])
    library.set_starred([old])
    server.put("/news.xml", rss("News", [("council", "Council votes", SECOND)]))
    report = fetch_feeds(library)
    assert report.stories_added == 1
    assert "1 changed" in subs.load(library_path)[0].outcome
    [shown] = [m.id for m in library.visible()]
    assert shown != old
    story = library.story(shown)
    assert story.title == "Council votes" and "cut the budget" in story.paragraphs[0]
    assert library.versions(shown) == [shown, old]
    assert library.story(old).paragraphs[0].startswith("The council met")
    assert library.is_read(shown) and library.is_starred(shown) and not library.is_starred(old)
    assert library.counts() == (0, 1)
    library.close()
    assert examine(library_path).healthy


def test_fetching_the_same_changed_text_again_adds_nothing(
    server: FeedServer, library_path: Path
) -> None:
    library, _ = _subscribed(server, library_path, FIRST)
    fetch_feeds(library)
    changed = rss("News", [("council", "Council votes", SECOND), *items("other", 1)])
    server.put("/news.xml", changed)
    assert fetch_feeds(library).stories_added == 2
    server.put("/news.xml", changed + b" ")  # a new ETag, the same entries
    assert fetch_feeds(library).stories_added == 0
    server.put("/news.xml", rss("News", [("council", "Council meets", FIRST)]))
    assert fetch_feeds(library).stories_added == 0  # a text it had before is not new again
    assert len(library.stories) == 3 and len(library.visible()) == 2
    library.close()


def test_an_unchanged_entry_is_not_a_new_version(server: FeedServer, library_path: Path) -> None:
    library, _ = _subscribed(server, library_path, FIRST)
    fetch_feeds(library)
    server.put("/news.xml", rss("News", [("council", "Council meets", FIRST)]) + b"\n")
    report = fetch_feeds(library)
    assert report.stories_added == 0 and len(library.stories) == 1
    library.close()
