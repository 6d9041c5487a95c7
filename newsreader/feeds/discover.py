"""A site's page announcing its feeds: `<link rel="alternate" type="application/rss+xml">`."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from newsreader.sanitize import is_web_link

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)


class _Links(HTMLParser):
    """Collect the feed links of a page's head."""

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base":
            href = dict(attrs).get("href")
            if href:
                self.base = urljoin(self.base, href)
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rel = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        href = values.get("href", "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            link = urljoin(self.base, href)
            if is_web_link(link) and link not in self.found:
                self.found.append(link)


def feed_links(html: str, base: str) -> list[str]:
    """The feed URLs a page announces, absolute, in page order (http and https only)."""
    parser = _Links(base)
    parser.feed(html[: 2 * 1024 * 1024])
    parser.close()
    return parser.found


def looks_like_html(body: bytes, content_type: str) -> bool:
    """Whether a response is a web page rather than a feed."""
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
