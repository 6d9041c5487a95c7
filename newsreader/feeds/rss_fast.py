"""A fast reading of plain RSS 2.0 with lxml, giving what feedparser gives for the same document.

feedparser walks a document through Python SAX callbacks: about 1 ms an entry, as much as
all the rest of a first fetch's parsing. Most feeds are plain RSS 2.0; this reads those in C
and hands every other document (Atom, RDF, a DOCTYPE, an element it does not know, anything
malformed) back to feedparser by returning None, so that only documents whose reading is
certain are read here. tests/test_feeds_fast.py compares the two readings.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_TEXT = frozenset({"title", "link", "guid", "description", "pubDate", _CONTENT, _CREATOR})
# Read by feedparser into keys newsreader never uses: skipped when empty.
_IGNORED = frozenset({"category", "comments", f"{_MEDIA}content", f"{_MEDIA}thumbnail"})
_C1 = re.compile("[\x80-\x9f]")


@dataclass(frozen=True)
class RawEntry:
    """An item's fields as feedparser would give them, before newsreader cleans them."""

    identity: str
    title: str
    link: str | None
    html: str  # content:encoded, else the description
    authors: tuple[str, ...]
    published: datetime | None


@dataclass(frozen=True)
class RawFeed:
    """A channel's title and link and its items."""

    title: str
    link: str | None
    entries: tuple[RawEntry, ...]


class _NotPlain(Exception):
    """The document needs feedparser."""


def read_plain_rss(data: bytes, most: int) -> RawFeed | None:
    """The channel and its first `most` items, or None when feedparser should read it."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    tree = root.getroottree()
    if root.tag != "rss" or tree.docinfo.doctype or len(root) != 1 or root[0].tag != "channel":
        return None
    channel = root[0]
    try:
        title = link = None
        items: list[RawEntry] = []
        for child in channel:
            if child.tag == "item":
                if len(items) < most:
                    items.append(_item(child))
            elif child.tag == "title":
                title = _once(title, child)
            elif child.tag == "link":
                link = _once(link, child)
        return RawFeed(title or "", link or None, tuple(items))
    except _NotPlain:
        return None


def _text(element: Any) -> str:
    """The text of an element with no child elements, stripped as feedparser strips it."""
    if len(element):
        raise _NotPlain
    text = element.text or ""
    # feedparser maps C1 characters to Windows-1252 punctuation: leave those to it.
    if _C1.search(text):
        raise _NotPlain
    return str(text).strip()


def _once(before: str | None, element: Any) -> str:
    """The element's text; _NotPlain when the element came before (feedparser merges those)."""
    if before is not None:
        raise _NotPlain
    return _text(element)


def _item(item: Any) -> RawEntry:
    """One <item>: _NotPlain when it holds anything this reading does not know for certain."""
    found: dict[str, str] = {}
    permalink = True
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction
        if tag in _IGNORED:
            if len(child) or ((child.text or "").strip() and tag.startswith(_MEDIA)):
                raise _NotPlain
            continue
        if tag not in _TEXT:
            raise _NotPlain
        if tag == _CREATOR:
            name = _text(child)
            # feedparser splits "Name (mail@host)" apart: leave those to it.
            if "@" in name or "(" in name or tag in found:
                raise _NotPlain
        if tag == "guid":
            permalink = child.get("isPermaLink", "true") == "true"
        if tag == "description" and "description" in found:
            raise _NotPlain
        found[tag] = _once(found.get(tag), child)
    guid = found.get("guid")
    link = found.get("link")
    if link is None and guid is not None and permalink:
        link = guid  # feedparser: a permalink guid is the item's link when it has none
    published = _date(found["pubDate"]) if "pubDate" in found else None
    creator = found.get(_CREATOR)
    return RawEntry(
        identity=guid or "",
        title=found.get("title", ""),
        link=link,
        html=found.get(_CONTENT) or found.get("description", ""),
        authors=(creator,) if creator else (),
        published=published,
    )


def _date(text: str) -> datetime | None:
    """pubDate read by the very function feedparser reads it with, so that both agree."""
    from feedparser.datetimes import _parse_date

    when = _parse_date(text)
    if when is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(when), UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None
