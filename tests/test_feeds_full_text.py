"""Full text: a feed set to it reads the pages its entries link to; on failure, the summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.feeds.fetch import fetch_feeds
from newsreader.library import Library
from newsreader.library import subscriptions as subs
from tests.feeds_helpers import FeedServer, rss, run, server

__all__ = ["server"]

SENTENCES = [
    "The river rose two metres overnight and the old bridge was closed before dawn.",
    "Engineers from the county inspected the piers and found the stonework sound.",
    "Shops along the quay moved their stock upstairs as the water reached the doors.",
    "The council said the bridge would open again once the level fell below the mark.",
]
PAGE = (
    "<!doctype html><html><head><title>Flood closes the old bridge</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
    "<h1>Flood closes the old bridge</h1>"
    + "".join(f"<p>{s} {s}</p>" for s in SENTENCES)
    + "</article><footer>Copyright the Gazette</footer></body></html>"
).encode()


def _entries() -> list[tuple[str, str, str]]:
    return [
        ("bridge", "Flood closes the old bridge", "<p>The bridge is closed.</p>"),
        ("gone", "A story whose page is gone", "<p>Only this summary.</p>"),
        ("empty", "A page with no article", "<p>The summary of an empty page.</p>"),
    ]


def test_add_full_text_reads_the_linked_pages_and_keeps_summaries_it_cannot_replace(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.put("/feed.xml", rss("Gazette", _entries(), link=server.url("/story/")))
    server.put("/story/bridge", PAGE, "text/html")
    server.put("/story/empty", b"<html><body><nav>Home</nav></body></html>", "text/html")
    status, _, _ = run(capsys, library_path, "add", "--full-text", url)
    assert status == 0 and subs.load(library_path)[0].full_text
    status, _, err = run(capsys, library_path, "fetch")
    assert status == 0
    assert f"full text of {server.url('/story/gone')} not read (HTTP 404" in err
    assert f"full text of {server.url('/story/empty')} not read" in err
    library = Library(library_path)
    by_title = {m.title: library.story(m.id) for m in library.stories}
    full = by_title["Flood closes the old bridge"].paragraphs
    assert any(SENTENCES[1] in p for p in full) and "The bridge is closed." not in full
    assert by_title["A story whose page is gone"].paragraphs == ("Only this summary.",)
    assert by_title["A page with no article"].paragraphs == ("The summary of an empty page.",)
    library.close()


def test_a_feed_without_full_text_never_opens_the_pages(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.put("/feed.xml", rss("Gazette", _entries()[:1], link=server.url("/story/")))
    server.put("/story/bridge", PAGE, "text/html")
    run(capsys, library_path, "add", url)
    library = Library(library_path)
    fetch_feeds(library)
    [meta] = library.stories
    assert library.story(meta.id).paragraphs == ("The bridge is closed.",)
    assert server.requests == 2  # the feed when added, the feed when fetched
    library.close()


def test_full_text_set_in_feeds_json_is_kept_and_a_refetch_reads_no_page_again(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.put("/feed.xml", rss("Gazette", _entries()[:1], link=server.url("/story/")))
    server.put("/story/bridge", PAGE, "text/html")
    run(capsys, library_path, "add", url)
    with subs.editing(library_path) as current:
        current[0].full_text = True
    library = Library(library_path)
    fetch_feeds(library)
    requests = server.requests
    server.put("/feed.xml", rss("Gazette", _entries()[:1], link=server.url("/story/")) + b" ")
    assert fetch_feeds(library).stories_added == 0  # the summary differs from the page: no version
    assert server.requests == requests + 1
    library.close()


def test_a_story_s_page_read_twice_is_stored_once(server: FeedServer, library_path: Path) -> None:
    from datetime import UTC, datetime

    from newsreader.feeds.commands import subscribe
    from newsreader.feeds.full_text import read_story_page

    server.put("/story/bridge", PAGE, "text/html")
    url = server.put("/feed.xml", rss("Gazette", _entries()[:1], link=server.url("/story/")))
    subscribe(library_path, [subs.Subscription(url=url)])
    library = Library(library_path)
    fetch_feeds(library)
    (summary,) = library.stories
    now = datetime.now(UTC)
    first = read_story_page(library, summary.id, now)
    assert first.new_id is not None and first.message.startswith("full text read")
    again = read_story_page(library, summary.id, now)
    assert again.new_id == first.new_id and again.message.startswith("the page's text was read")
    assert len(library.stories) == 2
    assert library.versions(summary.id) == [first.new_id, summary.id]
    library.close()
