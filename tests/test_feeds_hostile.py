"""Hostile servers and feeds, served on 127.0.0.1: each fails alone, named with its reason."""

from __future__ import annotations

import gzip
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsreader.feeds.commands import subscribe
from newsreader.feeds.fetch import FetchReport, Limits, fetch_feeds
from newsreader.library import Library
from newsreader.library.subscriptions import Subscription
from newsreader.sanitize import is_clean
from tests.feeds_helpers import FeedServer, items, rss, server

__all__ = ["server"]

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FAST = Limits(timeout=0.5, deadline=1.5)


def fetch(library_path: Path, server: FeedServer, *paths: str) -> tuple[FetchReport, Library]:
    """Subscribe to `paths` plus a good feed, fetch them all, return the report."""
    good = server.put("/good.xml", rss("Good", items("good", 2)))
    library = Library(library_path)
    subscribe(library_path, [Subscription(url=server.url(p)) for p in paths] + [Subscription(good)])
    report = fetch_feeds(library, limits=FAST)
    by_url = {r.subscription.url: r for r in report.results}
    assert by_url[good].outcome == "fetched"  # the good feed goes in whatever the others do
    return report, library


def reasons(report: FetchReport) -> dict[str, str]:
    return {r.subscription.key.rsplit("/", 1)[1]: r.reason for r in report.results}


def test_not_found_and_server_error(server: FeedServer, library_path: Path) -> None:
    server.handlers["/error.xml"] = lambda handler: handler.send_error(500)
    report, _ = fetch(library_path, server, "/missing.xml", "/error.xml")
    assert reasons(report)["missing.xml"] == "HTTP 404 Not Found"
    assert reasons(report)["error.xml"] == "HTTP 500 Internal Server Error"


def test_a_server_that_never_answers_times_out(server: FeedServer, library_path: Path) -> None:
    server.handlers["/silent.xml"] = lambda handler: time.sleep(3)
    report, _ = fetch(library_path, server, "/silent.xml")
    assert reasons(report)["silent.xml"].startswith("timed out")


def test_a_server_that_trickles_is_cut_off(server: FeedServer, library_path: Path) -> None:
    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            for _ in range(40):  # a byte every 0.1 s: never idle long enough to time out
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    server.handlers["/trickle.xml"] = trickle
    started = time.monotonic()
    report, _ = fetch(library_path, server, "/trickle.xml")
    assert reasons(report)["trickle.xml"].startswith("too slow")
    assert time.monotonic() - started < 3.5


def redirect(to: str) -> object:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return handle


def test_redirect_loops_and_long_chains_are_stopped(server: FeedServer, library_path: Path) -> None:
    server.handlers["/loop1.xml"] = redirect("/loop2.xml")  # type: ignore[assignment]
    server.handlers["/loop2.xml"] = redirect("/loop1.xml")  # type: ignore[assignment]
    for n in range(10):
        server.handlers[f"/chain{n}.xml"] = redirect(f"/chain{n + 1}.xml")  # type: ignore[assignment]
    report, _ = fetch(library_path, server, "/loop1.xml", "/chain0.xml")
    assert reasons(report)["loop1.xml"].startswith("redirect loop")
    assert reasons(report)["chain0.xml"] == "more than 5 redirects"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "javascript:alert(1)", "ftp://x/feed"])
def test_a_redirect_to_another_scheme_is_refused(
    server: FeedServer, library_path: Path, target: str
) -> None:
    server.handlers["/away.xml"] = redirect(target)  # type: ignore[assignment]
    report, _ = fetch(library_path, server, "/away.xml")
    assert reasons(report)["away.xml"].startswith("redirect to a non-HTTP URL refused")


def test_a_100_mb_feed_is_cut_off_at_the_limit_without_holding_it(
    server: FeedServer, library_path: Path
) -> None:
    chunk = b"<item><title>x</title></item>" * 2000

    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(100 * 1024 * 1024))
        handler.end_headers()
        handler.wfile.write(b"<rss><channel><title>Huge</title>")
        try:
            for _ in range(100 * 1024 * 1024 // len(chunk)):
                handler.wfile.write(chunk)
        except OSError:
            pass

    bomb = gzip.compress(b"<rss>" + b" " * (200 * 1024 * 1024))  # 200 MB in 200 KB

    def gzip_bomb(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    server.handlers["/huge.xml"] = huge
    server.handlers["/bomb.xml"] = gzip_bomb
    tracemalloc.start()
    try:
        report, _ = fetch(library_path, server, "/huge.xml", "/bomb.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for name in ("huge.xml", "bomb.xml"):
        assert reasons(report)[name] == "cut off: larger than 10 MB, the limit for a feed"
    assert peak < 60 * 1024 * 1024  # of 300 MB offered: the limit plus its copy at most


def test_an_entity_expansion_bomb_is_refused_without_memory_growth(
    server: FeedServer, library_path: Path
) -> None:
    levels = "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )  # 10^9 copies of "lol" if expanded
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">{levels}]>'
        f'<rss version="2.0"><channel><title>&l9;</title>'
        f"<item><title>&l9;</title><guid>b1</guid></item></channel></rss>"
    ).encode()
    server.put("/lol.xml", bomb)
    tracemalloc.start()
    try:
        report, library = fetch(library_path, server, "/lol.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reasons(report)["lol.xml"].startswith("refused: the document declares XML entities")
    assert peak < 20 * 1024 * 1024  # feedparser alone grows by 68 MB before expat stops it
    assert len(library.stories) == 2  # the good feed's


def test_malformed_xml_gives_what_it_can(server: FeedServer, library_path: Path) -> None:
    server.put("/broken.xml", (FEEDS / "malformed.xml").read_bytes())
    report, library = fetch(library_path, server, "/broken.xml")
    result = next(r for r in report.results if r.subscription.url.endswith("/broken.xml"))
    assert result.outcome == "fetched" and result.warnings
    assert "Good one" in {meta.title for meta in library.stories}


def test_escape_codes_html_and_javascript_links_never_reach_the_library(
    server: FeedServer, library_path: Path
) -> None:
    server.put("/hostile.xml", (FEEDS / "hostile.xml").read_bytes())
    _, library = fetch(library_path, server, "/hostile.xml")
    hostile = [meta for meta in library.stories if meta.source == "Evil Feed"]
    assert len(hostile) == 5
    for meta in hostile:
        assert is_clean(meta.title) and "<" not in meta.title
        assert meta.url is None or meta.url.startswith(("http://", "https://"))
        story = library.story(meta.id)
        assert all(is_clean(p) and "<" not in p for p in story.paragraphs)
