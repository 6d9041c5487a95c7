"""`feed:NAME` in the query language: a subscription's stories, by its name or URL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.errors import QueryError
from newsreader.feeds.commands import subscribe
from newsreader.feeds.fetch import fetch_feeds
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.subscriptions import Subscription
from newsreader.query import parse_query
from newsreader.search.index import find
from tests.conftest import CAPTURED, SEED
from tests.feeds_helpers import FeedServer, items, rss, run, server

__all__ = ["server"]

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def mixed(server: FeedServer, library_path: Path) -> Library:
    """A library with a dump's stories and two feeds' (one renamed by the user)."""
    library = Library(library_path)
    import_paths(library, [SEED], CAPTURED)
    one = server.put("/one.xml", rss("Alpha Wire", items("alpha", 3)))
    two = server.put("/two.xml", rss("Beta Daily", items("beta", 2)))
    subscribe(library_path, [Subscription(url=one), Subscription(url=two, name="My Beta")])
    fetch_feeds(library)
    return library


def titles(library: Library, text: str) -> set[str]:
    return {library.meta(sid).title for sid in find(library, parse_query(text, NOW)).ids}


def test_feed_matches_a_subscription_by_title_name_or_url(mixed: Library) -> None:
    assert {t.split()[0] for t in titles(mixed, "feed:alpha")} == {"alpha"}
    assert len(titles(mixed, 'feed:"my beta"')) == 2
    assert len(titles(mixed, "feed:two.xml")) == 2
    assert len(titles(mixed, "feed:127.0.0.1")) == 5  # every feed, no dump story


def test_feed_excluded_and_combined_with_words(mixed: Library) -> None:
    everything = len(find(mixed, parse_query("", NOW)).ids)
    assert len(titles(mixed, "-feed:alpha")) == everything - 3
    assert titles(mixed, "feed:beta number 1") == {"beta story number 1"}


def test_feed_still_finds_the_stories_of_a_feed_unsubscribed(
    mixed: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, mixed.folder, "remove", "Alpha Wire")
    assert len(titles(mixed, "feed:one.xml")) == 3
    assert titles(mixed, "feed:alpha") == set()  # its name went with the subscription


def test_feed_needs_a_name() -> None:
    with pytest.raises(QueryError, match="feed: needs a name"):
        parse_query("feed: x", NOW)
