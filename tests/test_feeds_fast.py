"""Plain RSS 2.0 read with lxml gives what feedparser gives; anything else is left to feedparser."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.bench.feed_server import rss
from newsreader.feeds.parse import MAX_ENTRIES, _xml_feed, feedparser_feed
from newsreader.feeds.rss_fast import read_plain_rss

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
HEAD = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
)


def document(channel: str, *items: str) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return f"{HEAD}{channel}{body}</channel></rss>".encode()


READ_FAST = {
    "fixture": (FEEDS / "rss20.xml").read_bytes(),
    "rss 0.91": (FEEDS / "rss091.xml").read_bytes(),
    "benchmark": rss("Bench", [("g1", "One & two", "<p>A</p><p>B &amp; C</p>")] * 3),
    "self link and escaped title": document(
        "<title>Site &lt;i&gt;name&lt;/i&gt;</title><link>https://site.example/</link>"
        '<atom:link href="https://site.example/feed" rel="self" type="application/rss+xml"/>',
        "<title>A &lt;b&gt;bold&lt;/b&gt; title</title><guid>https://site.example/a</guid>",
        "<guid isPermaLink='false'>x-2</guid><title>  Spaced  </title>"
        "<description><![CDATA[<p>One</p><p>Two</p>]]></description>",
        "<guid>https://site.example/c</guid><link>https://site.example/c-link</link>",
        "<link>https://site.example/d</link><guid>https://site.example/d-guid</guid>",
    ),
    "dates, creators, categories, empty elements": document(
        "<title>T</title>",
        "<title>a</title><pubDate>Sun, 29 Nov 2026 08:30:00 +0100</pubDate>"
        "<dc:creator>Ann Writer</dc:creator><category>x</category><comments>c</comments>",
        "<title>b</title><pubDate>29 Nov 2026 08:30 EST</pubDate><description/>",
        "<title>c</title><pubDate>not a date</pubDate><dc:creator></dc:creator>",
        "<title>d</title><pubDate>2026-11-29T08:30:00Z</pubDate>"
        "<content:encoded></content:encoded><description>kept</description>",
        "<title>e</title><media:content url='https://site.example/p.jpg'/>"
        "<link>javascript:alert(1)</link>",
        "<description>only a body, no title, guid or link</description>",
    ),
}
LEFT_TO_FEEDPARSER = {
    "atom": (FEEDS / "atom10.xml").read_bytes(),
    "rdf": (FEEDS / "rss10.rdf").read_bytes(),
    "malformed": (FEEDS / "malformed.xml").read_bytes(),
    "doctype": b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "x.dtd"><rss><channel/></rss>',
    "two descriptions": document("", "<description>a</description><description>b</description>"),
    "creator with a mail address": document("", "<dc:creator>ann@example.com (Ann)</dc:creator>"),
    "C1 characters": document("", "<title>\u0093quoted\u0094</title>"),
    "an element it does not know": document("", "<enclosure url='https://x.example/a.mp3'/>"),
    "dc:date": document("", "<dc:date>2026-11-29T08:30:00Z</dc:date>"),
    "markup inside a title": document("", "<title>a <b>b</b></title>"),
    "items outside the channel": b"<rss><channel><title>t</title></channel><item/></rss>",
}


@pytest.mark.parametrize("name", READ_FAST)
def test_plain_rss_is_read_fast_as_feedparser_reads_it(name: str) -> None:
    data = READ_FAST[name]
    assert read_plain_rss(data, MAX_ENTRIES) is not None
    assert _xml_feed(data, "k") == feedparser_feed(data, "k")


@pytest.mark.parametrize("name", LEFT_TO_FEEDPARSER)
def test_everything_else_is_left_to_feedparser(name: str) -> None:
    data = LEFT_TO_FEEDPARSER[name]
    assert read_plain_rss(data, MAX_ENTRIES) is None
    assert _xml_feed(data, "k") == feedparser_feed(data, "k")


def test_entries_past_the_limit_are_not_read() -> None:
    plain = read_plain_rss(document("", *(f"<guid>g{n}</guid>" for n in range(5))), 3)
    assert plain is not None
    assert [entry.identity for entry in plain.entries] == ["g0", "g1", "g2"]
