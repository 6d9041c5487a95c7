"""HTML dumps: a saved aggregator page or any saved news article, turned into clean stories."""

from __future__ import annotations

import importlib.util
import re
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup

from newsreader.dumps.html_aggregator import parse_aggregator
from newsreader.dumps.html_body import extract_body
from newsreader.dumps.html_meta import byline_names, people, read_meta
from newsreader.dumps.html_text import LibraryReading, read_with_library
from newsreader.dumps.html_tree import Parsed, elements, parse_tree, text_of
from newsreader.errors import DumpError
from newsreader.models import ParsedStory
from newsreader.sanitize import clean_line

NO_ARTICLE = "HTML page with no article"
TOO_DEEP = "HTML nested too deeply to read"
# Parsing costs ~35 µs an element: a real article page has a few thousand, and this bound keeps
# a hostile or broken file within a few seconds instead of minutes.
MAX_ELEMENTS = 100_000
TOO_MANY = f"HTML page too complex to read (over {MAX_ELEMENTS:,} elements)"
_START_TAG = re.compile(r"<[a-zA-Z]")

# Fewer words than this from trafilatura is site furniture, not an article: our reader decides.
_MIN_LIBRARY_WORDS = 12
_BYLINE = re.compile(r"^(?:by|von|par|por)\b", re.IGNORECASE)
# lxml builds the tree several times faster; html.parser is the standard library's fallback.
_PARSER = "lxml" if importlib.util.find_spec("lxml") is not None else "html.parser"


def parse_html(text: str, name: str, captured_at: datetime) -> tuple[list[ParsedStory], list[str]]:
    """Parse an HTML dump into stories (main first, then related) and warnings."""
    if sum(1 for _ in _START_TAG.finditer(text)) > MAX_ELEMENTS:
        raise DumpError(name, TOO_MANY)
    try:
        parsed = parse_tree(text)
        if parsed is None:
            raise DumpError(name, NO_ARTICLE)
        aggregator = parse_aggregator(parsed.root, name, captured_at)
        if aggregator is not None:
            return aggregator
        return [_article(parsed, text, name, captured_at)], []
    except RecursionError:
        raise DumpError(name, TOO_DEEP) from None


def _article(parsed: Parsed, text: str, name: str, captured_at: datetime) -> ParsedStory:
    """The one story of a saved news article page: trafilatura's text, our own metadata."""
    root = parsed.root
    meta = read_meta(root, captured_at)
    reading = LibraryReading()
    if parsed.document:
        reading = _library_reading(root, authors_needed=not meta.authors)
    captions = _captions(root)
    found = [paragraph for paragraph in reading.paragraphs if paragraph not in captions]
    if sum(len(paragraph.split()) for paragraph in found) < _MIN_LIBRARY_WORDS:
        # Our own reader works on beautifulsoup4: parsed only for the few pages that need it.
        body = extract_body(BeautifulSoup(text, _PARSER))
        found, captions = (body.paragraphs, body.captions) if body is not None else ([], [])
    paragraphs, byline = _without_head(found, {meta.title, reading.title, _h1(root)} - {""})
    if not paragraphs:
        raise DumpError(name, NO_ARTICLE)
    authors = meta.authors or people(reading.authors) or meta.page_authors or tuple(byline)
    title = meta.title or reading.title or _first_words(paragraphs[0])
    return ParsedStory(
        title=title,
        source=meta.source,
        age=meta.age,
        published=_published(meta.published, reading.day),
        authors=authors,
        paragraphs=tuple(paragraphs),
        role="main",
        url=meta.url,
        captions=tuple(captions),
    )


def _h1(root: Any) -> str:
    """The text of the page's first h1: the headline the body may repeat."""
    h1 = next(elements(root, "h1"), None)
    return clean_line(text_of(h1)) if h1 is not None else ""


def _captions(root: Any) -> list[str]:
    """The page's photo captions, kept out of the body."""
    captions: list[str] = []
    for caption in elements(root, "figcaption"):
        text = clean_line(text_of(caption))
        if text and text not in captions:
            captions.append(text)
    return captions


def _library_reading(root: Any, authors_needed: bool) -> LibraryReading:
    """trafilatura's reading, or nothing when it fails on the page (our reader takes over)."""
    try:
        return read_with_library(root, authors_needed)
    except Exception:
        return LibraryReading()


def _published(from_meta: str | None, day: str | None) -> str | None:
    """When the page says it was published; None when it does not say (never the capture time).

    trafilatura's day is right more often than the page's first date; the page's own time is
    kept when it falls on that day, as it says the hour too.
    """
    if day is None:
        return from_meta
    if from_meta is not None and from_meta.startswith(day):
        return from_meta
    return f"{day}T00:00:00Z"


def _without_head(paragraphs: list[str], titles: set[str]) -> tuple[list[str], list[str]]:
    """Drop a repeated headline and byline lines from the start of the body; return the names."""
    kept = list(paragraphs)
    names: list[str] = []
    while kept:
        if kept[0] in titles:
            kept.pop(0)
        elif _BYLINE.match(kept[0]) and len(kept[0]) <= 120 and (found := byline_names(kept[0])):
            names += [n for n in found if n not in names]
            kept.pop(0)
        else:
            break
    return kept, names


def _first_words(paragraph: str, limit: int = 80) -> str:
    """A stand-in title for a page without one: the body's first words."""
    text = clean_line(paragraph)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
