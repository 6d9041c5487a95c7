"""Feed documents (RSS, Atom, JSON Feed) parsed into dumps of one story per entry."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.feeds.errors import FeedError
from newsreader.feeds.html_text import html_paragraphs, plain_line
from newsreader.feeds.parse import age_text, parse_feed
from newsreader.models import ParsedStory
from newsreader.sanitize import is_clean

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def parsed(name: str, key: str = "https://example.com/feed") -> list[ParsedStory]:
    return [d.stories[0] for d in parse_feed((FEEDS / name).read_bytes(), key, NOW).dumps]


def test_rss2_content_encoded_creator_and_plain_title() -> None:
    feed = parse_feed((FEEDS / "rss20.xml").read_bytes(), "k", NOW)
    assert feed.title == "The Daily & Wire"
    first = feed.dumps[0].stories[0]
    assert first.title == "Ministers agree budget deal"
    assert first.source == "The Daily & Wire"
    assert first.authors == ("Ann Writer",)
    assert first.paragraphs == (
        "Ministers agreed the budget late on Saturday.",
        "The vote is next week.",
    )
    assert first.published == "2026-11-29T07:30:00Z"
    assert first.age == "2 days ago"
    assert first.url == "https://daily.example.com/budget"


@pytest.mark.parametrize(
    ("name", "title", "first"),
    [
        ("rss10.rdf", "RDF Site", "RDF story one"),
        ("rss091.xml", "Old School", "Plain old item"),
        ("atom10.xml", "Atom Times", "Atom entry"),
        ("atom03.xml", "Atom Zero Three", "Old atom entry"),
        ("feed.json", "JSON Journal", "JSON story"),
    ],
)
def test_every_format_gives_its_title_and_entries(name: str, title: str, first: str) -> None:
    feed = parse_feed((FEEDS / name).read_bytes(), "k", NOW)
    assert feed.title == title
    assert feed.dumps[0].stories[0].title == first


def test_atom_authors_and_html_content() -> None:
    story = parsed("atom10.xml")[0]
    assert story.authors == ("Bo Reporter", "Cy Editor")
    assert story.paragraphs == ("Full first paragraph.", "Point one")
    assert story.published == "2026-11-29T11:00:00Z"


def test_json_feed_text_content_and_feed_authors() -> None:
    stories = parsed("feed.json")
    assert stories[0].paragraphs == ("One.", "Two.")
    assert stories[0].published == "2026-11-29T09:00:00Z"
    assert stories[1].paragraphs == ("First.", "Second.")
    assert stories[1].authors == ("Feed Author",)


def test_identity_is_feed_and_entry_id_else_link_else_hash() -> None:
    data = (FEEDS / "rss20.xml").read_bytes()
    one = [d.digest for d in parse_feed(data, "feed-a", NOW).dumps]
    again = [d.digest for d in parse_feed(data, "feed-a", datetime(2027, 1, 1, tzinfo=UTC)).dumps]
    other = [d.digest for d in parse_feed(data, "feed-b", NOW).dumps]
    assert one == again  # the same entries fetched later are the same stories
    assert len(set(one)) == 3
    assert not set(one) & set(other)  # the same entry in another feed is another story
    changed = data.replace(b"Neither guid nor link", b"Neither guid nor link, edited")
    digests = [d.digest for d in parse_feed(changed, "feed-a", NOW).dumps]
    assert digests[:2] == one[:2]  # guid and link identities hold through a title edit
    assert digests[2] != one[2]  # the hashed one is a new entry


def test_hostile_titles_links_and_dates() -> None:
    feed = parse_feed((FEEDS / "hostile.xml").read_bytes(), "k", NOW)
    stories = [d.stories[0] for d in feed.dumps]
    for story in stories:
        assert "<" not in story.title and is_clean(story.title)
        assert is_clean(story.source) and "[2J" not in story.source
        assert story.url is None or story.url.startswith("http")
    assert stories[0].url is None  # javascript: is never kept
    assert stories[0].paragraphs == ("Text",)  # the iframe's text is not shown
    seen = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stories[0].published == seen  # unreadable date: first seen
    assert stories[1].published == seen  # far future: first seen
    assert stories[2].published == seen  # 1970: first seen
    assert stories[3].published == "2026-11-29T08:30:00Z"  # two-digit year
    assert stories[4].published == "2026-11-29T00:00:00Z"  # ISO date in RSS


def test_malformed_xml_gives_what_it_can_with_a_warning() -> None:
    feed = parse_feed((FEEDS / "malformed.xml").read_bytes(), "k", NOW)
    assert feed.dumps[0].stories[0].title == "Good one"
    assert feed.warnings and "malformed" in feed.warnings[0]


@pytest.mark.parametrize(
    "data",
    [b"", b"not a feed at all", b"<html><body><p>page</p></body></html>", b"\x00\x01\x02" * 50],
)
def test_not_a_feed_is_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(FeedError, match="not a"):
        parse_feed(data, "https://x.example/f", NOW)


def test_json_that_is_not_a_json_feed_is_refused() -> None:
    with pytest.raises(FeedError, match="not a JSON Feed"):
        parse_feed(b'{"items": []}', "k", NOW)


def test_a_string_that_looks_like_a_url_is_never_fetched() -> None:
    # feedparser fetches a string it takes for a URL; the parser must only ever read bytes.
    with pytest.raises(FeedError):
        parse_feed(b"http://127.0.0.1:9/never", "k", NOW)


def test_html_paragraphs_and_plain_line() -> None:
    html = "<div><p>One &amp; two</p>three<br>four<style>x{}</style><li>five</li></div>"
    assert html_paragraphs(html) == ["One & two", "three", "four", "five"]
    assert plain_line("A <i>title</i>\x1b[31m red") == "A title red"


def test_age_text_reads_as_the_list_expects() -> None:
    from datetime import timedelta

    assert age_text(timedelta(seconds=30)) == "just now"
    assert age_text(timedelta(hours=1)) == "an hour ago"
    assert age_text(timedelta(hours=5)) == "5 hours ago"
    assert age_text(timedelta(days=1)) == "a day ago"


def test_entity_declarations_are_refused_before_parsing_but_not_in_content() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><rss><channel/></rss>'
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(bomb, "k", NOW)
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(bomb.decode().encode("utf-16"), "k", NOW)
    about = (
        (FEEDS / "rss091.xml")
        .read_bytes()
        .replace(b"Old text.", b"&amp;lt;!ENTITY a &amp;quot;x&amp;quot;&amp;gt; explained")
    )
    assert parse_feed(about, "k", NOW).dumps[0].stories[0].paragraphs == (
        '<!ENTITY a "x"> explained',
    )
