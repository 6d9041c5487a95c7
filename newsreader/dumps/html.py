"""HTML dumps: a saved aggregator page or any saved news article, turned into clean stories."""

from __future__ import annotations

import importlib.util
import re
from datetime import datetime

from bs4 import BeautifulSoup

from newsreader.dumps.html_aggregator import parse_aggregator
from newsreader.dumps.html_body import extract_body
from newsreader.dumps.html_meta import byline_names, read_meta
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

_BYLINE = re.compile(r"^(?:by|von|par|por)\b", re.IGNORECASE)
# lxml builds the tree several times faster; html.parser is the standard library's fallback.
_PARSER = "lxml" if importlib.util.find_spec("lxml") is not None else "html.parser"


def parse_html(text: str, name: str, captured_at: datetime) -> tuple[list[ParsedStory], list[str]]:
    """Parse an HTML dump into stories (main first, then related) and warnings."""
    if sum(1 for _ in _START_TAG.finditer(text)) > MAX_ELEMENTS:
        raise DumpError(name, TOO_MANY)
    try:
        soup = BeautifulSoup(text, _PARSER)
        aggregator = parse_aggregator(soup, name, captured_at)
        if aggregator is not None:
            return aggregator
        return [_article(soup, name, captured_at)], []
    except RecursionError:
        raise DumpError(name, TOO_DEEP) from None


def _article(soup: BeautifulSoup, name: str, captured_at: datetime) -> ParsedStory:
    """The one story of a saved news article page."""
    meta = read_meta(soup, captured_at)
    body = extract_body(soup)
    if body is None:
        raise DumpError(name, NO_ARTICLE)
    paragraphs, byline = _without_head(body.paragraphs, meta.title)
    if not paragraphs:
        raise DumpError(name, NO_ARTICLE)
    authors = meta.authors or tuple(byline)
    title = meta.title or _first_words(paragraphs[0])
    return ParsedStory(
        title=title,
        source=meta.source,
        age=meta.age,
        published=meta.published,
        authors=authors,
        paragraphs=tuple(paragraphs),
        role="main",
        url=meta.url,
        captions=tuple(body.captions),
    )


def _without_head(paragraphs: list[str], title: str) -> tuple[list[str], list[str]]:
    """Drop a repeated headline and byline lines from the start of the body; return the names."""
    kept = list(paragraphs)
    names: list[str] = []
    while kept:
        if kept[0] == title:
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
