"""OPML in and out: every outline with a feed URL is a subscription, its folders its tags."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr

from newsreader.feeds.errors import FeedError
from newsreader.library.subscriptions import Subscription
from newsreader.sanitize import clean_line, is_web_link

MAX_OPML_BYTES = 5 * 1024 * 1024


def read_opml(path: Path) -> list[Subscription]:
    """The feeds an OPML file lists, with the titles of the folders around them as tags."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as error:
        raise FeedError(name, f"cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_OPML_BYTES:
        raise FeedError(name, f"too large for an OPML file (over {MAX_OPML_BYTES >> 20} MB)")
    if b"<!ENTITY" in data:
        # Python's expat refuses exponential expansion, but an OPML file has no need of them.
        raise FeedError(name, "entity declarations in an OPML file are refused")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise FeedError(name, f"not valid OPML ({error})") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise FeedError(name, "not an OPML file (no <opml> with a <body>)")
    found: dict[str, Subscription] = {}

    def walk(element: ET.Element, folders: list[str]) -> None:
        for outline in element.findall("outline"):
            title = clean_line(outline.get("title") or outline.get("text") or "")
            url = clean_line(outline.get("xmlUrl") or "")
            if url:
                if is_web_link(url) and url not in found:
                    found[url] = Subscription(url=url, name=title, tags=list(folders))
            else:
                walk(outline, [*folders, title] if title else folders)

    walk(body, [])
    return list(found.values())


def write_opml(subscriptions: list[Subscription]) -> str:
    """The subscriptions as an OPML 2.0 document, one folder per first tag."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>newsreader subscriptions</title></head>",
        "  <body>",
    ]

    def outline(s: Subscription, indent: str) -> str:
        title = quoteattr(s.display_name)
        return f'{indent}<outline type="rss" text={title} title={title} xmlUrl={quoteattr(s.url)}/>'

    folders: dict[str, list[Subscription]] = {}
    for s in subscriptions:
        if s.tags:
            folders.setdefault(s.tags[0], []).append(s)
        else:
            lines.append(outline(s, "    "))
    for folder, members in folders.items():
        lines.append(f"    <outline text={quoteattr(folder)} title={quoteattr(folder)}>")
        lines.extend(outline(s, "      ") for s in members)
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
