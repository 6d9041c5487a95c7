"""The extractors the extraction benchmark compares: newsreader's reader, libraries, combinations.

Each candidate turns a page's HTML into an `Extracted`: title, authors, publication date and
body. The libraries are optional here (the benchmark skips one that is not installed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bs4 import BeautifulSoup

from newsreader.dumps.html import parse_html
from newsreader.errors import DumpError

_CAPTURED_AT = datetime(2026, 1, 1, tzinfo=UTC)
_AUTHOR_SPLIT = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Extracted:
    """What one extractor read from one page; `error` names what it raised, if anything."""

    title: str = ""
    authors: tuple[str, ...] = ()
    published: str | None = None  # at least YYYY-MM-DD when known
    body: str = ""
    error: str = ""
    url: str | None = None


Candidate = Callable[[str], Extracted]


def newsreader_page(html: str) -> Extracted:
    """The main story as newsreader's HTML reader reads it (its own errors count as empty)."""
    try:
        stories, _ = parse_html(html, "page.html", _CAPTURED_AT)
    except DumpError as error:
        return Extracted(error=error.reason)
    except Exception as error:  # a bug: counted, and the page scores as empty
        return Extracted(error=type(error).__name__)
    story = stories[0]
    body = "\n".join(story.paragraphs)
    return Extracted(story.title, story.authors, story.published, body, url=story.url)


def own_reader_page(html: str) -> Extracted:
    """newsreader's hand-written reader alone (html_body, html_meta): the fallback now."""
    from newsreader.dumps.html_body import extract_body
    from newsreader.dumps.html_meta import read_meta
    from newsreader.dumps.html_tree import parse_tree

    try:
        parsed = parse_tree(html)
        meta = read_meta(parsed.root, _CAPTURED_AT) if parsed else None
        body = extract_body(BeautifulSoup(html, "lxml"))
    except Exception as error:  # a bug: counted, and the page scores as empty
        return Extracted(error=type(error).__name__)
    text = "\n".join(body.paragraphs) if body is not None else ""
    if meta is None:
        return Extracted(body=text)
    authors = meta.authors or meta.page_authors
    return Extracted(meta.title, authors, meta.published, text, url=meta.url)


def trafilatura_page(html: str) -> Extracted:
    """trafilatura's `bare_extraction` with metadata, its authors as it gives them."""
    from trafilatura import bare_extraction  # type: ignore[import-not-found, unused-ignore]

    document = bare_extraction(html, with_metadata=True, include_comments=False)
    if document is None:
        return Extracted()
    found = document if isinstance(document, dict) else document.as_dict()
    authors = tuple(a for a in _AUTHOR_SPLIT.split(found.get("author") or "") if a)
    text = str(found.get("text") or "")
    url = found.get("url")
    return Extracted(str(found.get("title") or ""), authors, found.get("date"), text, url=url)


def readability_page(html: str) -> Extracted:
    """readability-lxml's article (as text) and short title; it reads no author or date."""
    from lxml import html as lxml_html  # type: ignore[import-not-found, unused-ignore]
    from readability import Document  # type: ignore[import-not-found, unused-ignore]

    document = Document(html)
    summary = document.summary(html_partial=True)
    root = lxml_html.fromstring(summary)
    blocks = root.xpath("//p|//h1|//h2|//h3|//h4|//li|//pre|//blockquote|//td")
    text = "\n".join(b.text_content().strip() for b in blocks if b.text_content().strip())
    return Extracted(title=document.short_title() or "", body=text or root.text_content())


def all_paragraphs_page(html: str) -> Extracted:
    """The baseline: the text of every `<p>` on the page."""
    soup = BeautifulSoup(html, "html.parser")
    return Extracted(body="\n".join(p.get_text(" ") for p in soup.find_all("p")))


def combined(body: Extracted, meta: Extracted, authors_from: Extracted | None = None) -> Extracted:
    """One extractor's body with another's title and date (and a third's authors)."""
    authors = (authors_from or meta).authors
    return replace(meta, body=body.body, authors=authors, error=body.error or meta.error)


def vote(first: Extracted, second: Extracted) -> Extracted:
    """Per field, the value both agree on, else the first's; the body both keep, if long enough."""
    kept = [line for line in first.body.splitlines() if line.strip() in second.body]
    body = "\n".join(kept) if len(" ".join(kept)) >= 0.5 * len(first.body) else first.body
    return replace(first, body=body)


SINGLE: dict[str, Candidate] = {
    "newsreader": newsreader_page,
    "own reader": own_reader_page,
    "trafilatura": trafilatura_page,
    "readability": readability_page,
    "all-p": all_paragraphs_page,
}
"""The extractors run on their own; combinations are made from their results."""
