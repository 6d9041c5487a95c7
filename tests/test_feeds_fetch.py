"""`newsreader fetch`: conditional GET, gzip, redirects, Retry-After, backoff, one library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsreader.feeds.commands import subscribe
from newsreader.feeds.fetch import Limits, backoff, fetch_feeds
from newsreader.library import Library
from newsreader.library import subscriptions as subs
from newsreader.library.subscriptions import Subscription
from tests.feeds_helpers import FeedServer, items, rss, run, server

__all__ = ["server"]

FAST = Limits(timeout=1.0, deadline=2.0)


def subscribed(library_path: Path, *urls: str) -> Library:
    library = Library(library_path)
    subscribe(library_path, [Subscription(url=url) for url in urls])
    return library


def test_fetch_imports_entries_and_a_second_fetch_costs_a_304(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.put("/a.xml", rss("Feed A", items("a", 5)))
    run(capsys, library_path, "add", url)
    status, out, _ = run(capsys, library_path, "fetch")
    assert status == 0
    assert "1 feeds fetched, 0 unchanged, 0 failed" in out and "5 stories added" in out
    status, out, _ = run(capsys, library_path, "fetch")
    assert "0 feeds fetched, 1 unchanged" in out and "0 stories added" in out
    assert server.not_modified == 1
    [sub] = subs.load(library_path)
    assert sub.etag and sub.outcome == "unchanged" and sub.failures == 0
    _, out, _ = run(capsys, library_path, "list", "--json", "--query", 'source:"feed a"')
    assert len(out.splitlines()) == 5


def test_refetch_of_a_changed_document_adds_only_new_entries_and_keeps_marks(
    server: FeedServer, library_path: Path
) -> None:
    url = server.put("/a.xml", rss("Feed A", items("a", 3)))
    library = subscribed(library_path, url)
    assert fetch_feeds(library, limits=FAST).stories_added == 3
    first = library.stories[0].id
    library.set_read([first])
    library.set_starred([first])
    server.put("/a.xml", rss("Feed A", items("a", 4)))  # one more entry, the rest the same
    report = fetch_feeds(library, limits=FAST)
    assert report.stories_added == 1
    assert len(library.stories) == 4
    assert library.is_read(first) and library.is_starred(first)


def test_gzip_is_asked_for_and_read(server: FeedServer, library_path: Path) -> None:
    seen: list[str] = []
    url = server.put("/g.xml", rss("Gz", items("g", 2)))
    inner = server._serve

    def record(handler: BaseHTTPRequestHandler, path: str) -> None:
        seen.append(handler.headers.get("Accept-Encoding", ""))
        inner(handler, path)

    server._serve = record  # type: ignore[method-assign]
    library = subscribed(library_path, url)
    assert fetch_feeds(library, limits=FAST).stories_added == 2
    assert seen == ["gzip"]


def redirect(to: str, status: int) -> object:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return handle


def test_a_permanent_redirect_updates_the_subscription_a_temporary_one_does_not(
    server: FeedServer, library_path: Path
) -> None:
    new = server.put("/new.xml", rss("Moved", items("m", 2)))
    server.put("/tmp-target.xml", rss("Temp", items("t", 2)))
    server.handlers["/old.xml"] = redirect("/new.xml", 301)  # type: ignore[assignment]
    server.handlers["/tmp.xml"] = redirect(server.url("/tmp-target.xml"), 302)  # type: ignore[assignment]
    library = subscribed(library_path, server.url("/old.xml"), server.url("/tmp.xml"))
    report = fetch_feeds(library, limits=FAST)
    assert report.stories_added == 4
    urls = {s.key: s.url for s in subs.load(library_path)}
    assert urls[server.url("/old.xml")] == new  # the key, naming its stories, stays
    assert urls[server.url("/tmp.xml")] == server.url("/tmp.xml")
    assert fetch_feeds(library, limits=FAST).stories_added == 0  # same stories by their key


def test_retry_after_and_backoff_hold_a_failing_feed(
    server: FeedServer, library_path: Path
) -> None:
    def busy(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(429)
        handler.send_header("Retry-After", "7200")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.handlers["/busy.xml"] = busy
    good = server.put("/ok.xml", rss("OK", items("ok", 1)))
    library = subscribed(library_path, server.url("/busy.xml"), good)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    report = fetch_feeds(library, now=now, limits=FAST)
    failed = [r for r in report.results if r.outcome == "failed"]
    assert [r.reason for r in failed] == ["HTTP 429 Too Many Requests"]
    sub = next(s for s in subs.load(library_path) if s.url.endswith("/busy.xml"))
    assert sub.failures == 1 and sub.next_attempt == "2026-12-01T14:00:00Z"
    later = fetch_feeds(library, now=now + timedelta(hours=1), limits=FAST)
    assert later.count("skipped") == 1 and later.count("unchanged") == 1
    named = fetch_feeds(library, [server.url("/busy.xml")], now=now, limits=FAST)
    assert named.count("failed") == 1  # named on the command line: fetched anyway


def test_backoff_doubles_up_to_a_day() -> None:
    assert backoff(1) == timedelta(minutes=5)
    assert backoff(2) == timedelta(minutes=10)
    assert backoff(50) == timedelta(hours=24)


def test_one_feed_failing_never_touches_stored_stories(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = server.put("/a.xml", rss("A", items("a", 3)))
    b = server.put("/b.xml", rss("B", items("b", 3)))
    run(capsys, library_path, "add", a, b)
    run(capsys, library_path, "fetch")
    before = (library_path / "library.json").read_bytes()

    def broken(handler: BaseHTTPRequestHandler) -> None:
        handler.send_error(500)

    server.handlers["/a.xml"] = broken
    del server.documents["/b.xml"]
    status, out, err = run(capsys, library_path, "fetch", a, b)
    assert status == 1
    assert f"failed A ({a}): HTTP 500 Internal Server Error" in err
    assert f"failed B ({b}): HTTP 404 Not Found" in err
    assert "0 stories added" in out
    assert (library_path / "library.json").read_bytes() == before


def test_fetch_names_unknown_subscriptions(
    library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Library(library_path).close()
    status, _, err = run(capsys, library_path, "fetch", "https://nowhere.example/feed")
    assert status == 2 and "no such subscription" in err


def test_a_feed_subscribed_again_after_a_removal_adds_none_of_the_stories_it_kept(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.put("/a.xml", rss("Feed A", items("a", 4)))
    run(capsys, library_path, "add", url)
    _, out, _ = run(capsys, library_path, "fetch")
    assert "4 stories added" in out
    run(capsys, library_path, "remove", url)  # its stories stay
    run(capsys, library_path, "add", url)  # never fetched: all its entries prepared at once
    [sub] = subs.load(library_path)
    assert sub.last_fetch is None
    status, out, _ = run(capsys, library_path, "fetch")
    assert status == 0 and "1 feeds fetched" in out and "0 stories added" in out
    _, out, _ = run(capsys, library_path, "list", "--json", "--all")
    assert len(out.splitlines()) == 4


def test_a_story_in_two_feeds_is_folded(server: FeedServer, library_path: Path) -> None:
    wire = [("w-1", "Wire story", items("wire", 1)[0][2] * 3)]
    one = server.put("/one.xml", rss("One", wire))
    two = server.put("/two.xml", rss("Two", [("other-id", "Wire story", wire[0][2])]))
    library = subscribed(library_path, one, two)
    report = fetch_feeds(library, limits=FAST)
    assert report.stories_added == 2 and report.versions_folded == 1
    assert len(library.visible()) == 1


def test_many_feeds_are_parsed_in_worker_processes_with_the_same_result(
    server: FeedServer, library_path: Path
) -> None:
    urls = [server.put(f"/many/{n}.xml", rss(f"Many {n}", items(f"m{n}", 3))) for n in range(45)]
    library = subscribed(library_path, *urls)
    report = fetch_feeds(library, limits=FAST)  # past the first 20 feeds: worker processes
    assert report.count("fetched") == 45 and report.count("failed") == 0
    assert report.stories_added == 135
    assert {meta.source for meta in library.stories} == {f"Many {n}" for n in range(45)}
    assert fetch_feeds(library, limits=FAST).count("unchanged") == 45


def test_connections_to_a_host_are_kept_open_and_reused(
    server: FeedServer, library_path: Path
) -> None:
    urls = [server.put(f"/kept/{n}.xml", rss(f"Kept {n}", items(f"k{n}", 2))) for n in range(12)]
    library = subscribed(library_path, *urls)
    assert fetch_feeds(library, limits=FAST).count("fetched") == 12
    assert fetch_feeds(library, limits=FAST).count("unchanged") == 12
    assert server.requests == 24
    assert server.connections <= 4  # two at a time to one host, each fetch its own


def test_a_kept_connection_the_server_closed_is_replaced(
    server: FeedServer, library_path: Path
) -> None:
    def closing(handler: BaseHTTPRequestHandler) -> None:
        # Keep-alive as far as the client can tell, but the server hangs up after answering.
        body = rss("Closing", items("c", 1))
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True

    server.handlers.update({f"/closing/{n}.xml": closing for n in range(6)})
    library = subscribed(library_path, *(server.url(f"/closing/{n}.xml") for n in range(6)))
    report = fetch_feeds(library, limits=FAST, per_host=1)
    assert report.count("fetched") == 6 and report.count("failed") == 0
    assert server.connections == 6
