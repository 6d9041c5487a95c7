"""An article's text, authors and date as trafilatura reads them from a saved page.

trafilatura scored best of the extractors measured on 300 real article pages nobody tuned on
(docs/extraction.md); newsreader's own reader (html_body) stays as the fallback for a page it
reads nothing from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from newsreader.sanitize import clean_line, clean_text

# trafilatura and htmldate log what they skip; without a handler Python would print warnings.
for _name in ("trafilatura", "htmldate", "courlan", "readability"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False

_LIST_ITEM = re.compile(r"^[-*]\s+")
_AUTHOR_SPLIT = re.compile(r"\s*;\s*")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LibraryReading:
    """What trafilatura found: the body's paragraphs (cleaned), title, authors and day."""

    paragraphs: tuple[str, ...] = ()
    title: str = ""
    authors: tuple[str, ...] = ()
    day: str | None = None  # YYYY-MM-DD, as the page gives it (its own time zone)


def read_with_library(html: str) -> LibraryReading:
    """trafilatura's reading of `html`; empty when it finds no article."""
    from trafilatura import bare_extraction  # type: ignore[import-not-found, unused-ignore]

    # Control characters are cleaned first: lxml drops the text around one it cannot hold.
    document = bare_extraction(
        clean_text(html), with_metadata=True, include_comments=False, include_tables=True
    )
    if document is None:
        return LibraryReading()
    found = document if isinstance(document, dict) else document.as_dict()
    paragraphs = []
    for line in str(found.get("text") or "").splitlines():
        text = clean_line(_LIST_ITEM.sub("• ", line))
        if text:
            paragraphs.append(text)
    authors = tuple(a for a in _AUTHOR_SPLIT.split(clean_line(found.get("author") or "")) if a)
    day = str(found.get("date") or "")
    return LibraryReading(
        tuple(paragraphs),
        clean_line(found.get("title") or ""),
        authors,
        day if _DAY.match(day) else None,
    )
