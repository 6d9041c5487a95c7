"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (feedparser) and JSON Feed 1.x into the library's dumps.

Each entry becomes a dump of one story whose digest is the feed's key plus the entry's id
(else its link, else a hash of its title and text): fetching the feed again adds nothing.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newsreader.dumps.ages import iso_utc
from newsreader.feeds.errors import FeedError
from newsreader.feeds.html_text import html_paragraphs, plain_line
from newsreader.feeds.rss_fast import read_plain_rss
from newsreader.models import ParsedDump, ParsedStory
from newsreader.sanitize import clean_line, is_web_link

MAX_ENTRIES = 1000
"""Entries read from one feed document; a real feed holds tens."""

_FIRST_ELEMENT = re.compile(rb"<[^?!]")
# A published time before this or more than a day ahead of the fetch is broken: first seen.
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ParsedFeed:
    """One feed document: its title, its site and one dump per entry."""

    title: str
    site: str | None
    dumps: tuple[ParsedDump, ...]
    warnings: tuple[str, ...] = ()


def parse_feed(data: bytes, key: str, fetched_at: datetime, source: str = "") -> ParsedFeed:
    """Parse a feed document; `key` names the subscription, `source` overrides its title."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        title, site, entries = _json_feed(data, key)
        warnings: list[str] = []
    else:
        _refuse_entities(data, key)
        title, site, entries, warnings = _xml_feed(data, key)
    name = clean_line(source) or title or key
    dumps = tuple(
        _dump(entry, key, name, fetched_at) for entry in entries[:MAX_ENTRIES] if entry.identity
    )
    return ParsedFeed(title=title, site=site, dumps=dumps, warnings=tuple(warnings))


@dataclass(frozen=True)
class _Entry:
    """What is kept of an entry, whatever the format."""

    identity: str
    title: str
    authors: tuple[str, ...]
    published: datetime | None
    paragraphs: tuple[str, ...]
    url: str | None


def _refuse_entities(data: bytes, key: str) -> None:
    """Refuse a document declaring entities before its first element (an XML bomb, or worse).

    Python's expat stops exponential expansion only after tens of megabytes; a feed has no
    use for entity declarations, so they are refused before any parsing, as defusedxml does.
    """
    head = data[: 1 << 20]
    if b"\x00" in head[:4]:  # UTF-16 or UTF-32: compare the ASCII of it
        head = head.replace(b"\x00", b"")
    first = _FIRST_ELEMENT.search(head)
    if b"<!ENTITY" in head[: first.start() if first else len(head)]:
        raise FeedError(key, "refused: the document declares XML entities (an entity bomb?)")


def _xml_feed(data: bytes, key: str) -> tuple[str, str | None, list[_Entry], list[str]]:
    """RSS or Atom: plain RSS 2.0 read fast, the rest by feedparser (which also reads what it
    can of a malformed feed)."""
    plain = read_plain_rss(data, MAX_ENTRIES)
    if plain is None:
        return feedparser_feed(data, key)
    entries = [
        _entry(e.identity, e.title, e.link, e.authors, e.published, e.html) for e in plain.entries
    ]
    return plain_line(plain.title), _http(plain.link), entries, []


def feedparser_feed(data: bytes, key: str) -> tuple[str, str | None, list[_Entry], list[str]]:
    """Any RSS or Atom document read by feedparser (what it can of a malformed one too)."""
    import feedparser

    # A stream, never bytes or str: feedparser fetches a string that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    warnings: list[str] = []
    if parsed.get("bozo"):
        problem = clean_line(str(parsed.get("bozo_exception", "")))[:200]
        if not parsed.entries:
            raise FeedError(key, f"not a readable feed ({problem or 'unknown format'})")
        warnings.append(f"malformed feed, read what could be read ({problem})")
    if not parsed.entries and not parsed.get("version") and not parsed.feed.get("title"):
        raise FeedError(key, "not a feed (no RSS, Atom or JSON Feed found)")
    feed = parsed.feed
    entries = [_xml_entry(entry) for entry in parsed.entries[:MAX_ENTRIES]]
    return plain_line(str(feed.get("title", ""))), _http(feed.get("link")), entries, warnings


def _xml_entry(entry: dict[str, Any]) -> _Entry:
    """One feedparser entry."""
    contents = [c for c in entry.get("content", ()) if isinstance(c, Mapping)]
    html = max((str(c.get("value", "")) for c in contents), key=len, default="")
    if not html:
        html = str(entry.get("summary", "") or entry.get("description", ""))
    authors = [str(a.get("name", "")) for a in entry.get("authors", ()) if isinstance(a, Mapping)]
    if not any(authors) and entry.get("author"):
        authors = [str(entry["author"])]
    # Read past feedparser's own lookup, which maps one key onto the other with a warning.
    when = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    published = None
    if when is not None:
        try:
            published = datetime.fromtimestamp(calendar.timegm(when), UTC)
        except (OverflowError, ValueError, OSError, TypeError):
            published = None
    return _entry(
        str(entry.get("id", "") or ""),
        str(entry.get("title", "")),
        entry.get("link"),
        authors,
        published,
        html,
    )


def _entry(
    identity: str,
    title: str,
    link: object,
    authors: Iterable[str],
    published: datetime | None,
    html: str,
) -> _Entry:
    """An XML feed entry from its raw fields, however they were read."""
    paragraphs = tuple(html_paragraphs(html))
    plain_title = plain_line(title)
    url = _http(link)
    identity = identity or url or _hash(plain_title, paragraphs)
    return _Entry(identity, plain_title, _names(authors), published, paragraphs, url)


def _json_feed(data: bytes, key: str) -> tuple[str, str | None, list[_Entry]]:
    """A JSON Feed (jsonfeed.org, version 1 or 1.1)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FeedError(key, f"not a readable JSON Feed ({clean_line(str(error))[:200]})") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedError(key, "JSON but not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    entries: list[_Entry] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            entries.append(_json_entry(item, document))
        if len(entries) >= MAX_ENTRIES:
            break
    title = plain_line(_text(document.get("title")))
    return title, _http(document.get("home_page_url")), entries


def _json_entry(item: Mapping[str, Any], feed: Mapping[str, Any]) -> _Entry:
    """One JSON Feed item."""
    html = _text(item.get("content_html"))
    if html:
        paragraphs = tuple(html_paragraphs(html))
    else:
        text = _text(item.get("content_text")) or _text(item.get("summary"))
        paragraphs = tuple(p for p in (clean_line(part) for part in text.split("\n\n")) if p)
    title = plain_line(_text(item.get("title")))
    link = _http(item.get("url"))
    people = (
        item.get("authors") or feed.get("authors") or [item.get("author") or feed.get("author")]
    )
    authors = (
        [_text(p.get("name")) for p in people if isinstance(p, dict)]
        if isinstance(people, list)
        else []
    )
    published = _iso_time(_text(item.get("date_published")) or _text(item.get("date_modified")))
    identity = _text(item.get("id")) or link or _hash(title, paragraphs)
    return _Entry(identity, title, _names(authors), published, paragraphs, link)


def _dump(entry: _Entry, key: str, source: str, fetched_at: datetime) -> ParsedDump:
    """One entry as a dump of one story, identified by the feed and the entry."""
    published = entry.published
    if published is None or not _EARLIEST <= published <= fetched_at + timedelta(days=1):
        published = fetched_at  # no date, or a broken one: when it was first seen
    title = entry.title or (entry.paragraphs[0][:120] if entry.paragraphs else "") or "(untitled)"
    story = ParsedStory(
        title=title,
        source=source,
        age=age_text(fetched_at - published),
        published=iso_utc(published),
        authors=entry.authors,
        paragraphs=entry.paragraphs,
        url=entry.url,
    )
    digest = hashlib.sha256(f"feed\n{key}\n{entry.identity}".encode()).hexdigest()
    return ParsedDump(name=key, stories=(story,), captured_at=iso_utc(fetched_at), digest=digest)


def age_text(delta: timedelta) -> str:
    """A time span as the aggregator words an age: "just now", "5 minutes ago", "a day ago"."""
    seconds = max(0, int(delta.total_seconds()))
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("week", 604_800),
                       ("day", 86_400), ("hour", 3_600), ("minute", 60)):  # fmt: skip
        if seconds >= size:
            count = seconds // size
            return f"{'a' if count == 1 and unit != 'hour' else 'an' if count == 1 else count} " + (
                f"{unit} ago" if count == 1 else f"{unit}s ago"
            )
    return "just now"


def _http(value: object) -> str | None:
    """A link if it is an http(s) URL (never javascript:, data: or file:), else None."""
    if not isinstance(value, str):
        return None
    link = clean_line(value)
    return link if is_web_link(link) else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in (plain_line(name) for name in names) if n))


def _hash(title: str, paragraphs: tuple[str, ...]) -> str:
    if not title and not paragraphs:
        return ""
    return "sha256:" + hashlib.sha256("\n".join((title, *paragraphs)).encode()).hexdigest()


def _iso_time(text: str) -> datetime | None:
    """An RFC 3339 time (JSON Feed's) as an aware datetime; None when absent or broken."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            return datetime.fromtimestamp(
                calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")), UTC
            )
        except (ValueError, OverflowError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
