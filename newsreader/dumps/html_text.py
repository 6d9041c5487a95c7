"""An article's text, authors and date as trafilatura reads them from a saved page.

trafilatura scored best of the extractors measured on 300 real article pages nobody tuned on
(docs/extraction.md); newsreader's own reader (html_body) stays as the fallback for a page it
reads nothing from.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from newsreader.sanitize import clean_line

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


def read_with_library(tree: Any, authors_needed: bool = True) -> LibraryReading:
    """trafilatura's reading of the page's lxml tree (left as it is); empty when no article.

    Of trafilatura's metadata only what newsreader uses is read (title, day and, when the page
    metadata names nobody, authors), in trafilatura's own order: its whole pass cost ~17 ms a
    page, this part ~3.
    """
    from trafilatura import bare_extraction  # type: ignore[import-not-found, unused-ignore]

    title, authors, day, url = _library_meta(tree, authors_needed)
    # trafilatura prunes a copy of the tree it is given; the address it found guides it.
    document = bare_extraction(tree, url=url, include_comments=False, include_tables=True)
    if document is None:
        return LibraryReading()
    found = document if isinstance(document, dict) else document.as_dict()
    paragraphs = []
    for line in str(found.get("text") or "").splitlines():
        text = clean_line(_LIST_ITEM.sub("• ", line))
        if text:
            paragraphs.append(text)
    return LibraryReading(tuple(paragraphs), title, authors, day)


def _library_meta(
    tree: Any, authors_needed: bool
) -> tuple[str, tuple[str, ...], str | None, str | None]:
    """trafilatura's title, authors, day and address, as its `extract_metadata` finds them."""
    from htmldate import find_date  # type: ignore[import-not-found, unused-ignore]
    from trafilatura import metadata as found  # type: ignore[import-not-found, unused-ignore]
    from trafilatura.settings import (  # type: ignore[import-not-found, unused-ignore]
        DEFAULT_CONFIG,
        set_date_params,
    )

    meta = found.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    # trafilatura's JSON-LD reader has bugs of its own: it skips them, and so do we.
    with contextlib.suppress(Exception):
        meta = found.extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = found.extract_title(tree)
    if not meta.author and authors_needed:
        meta.author = found.extract_author(tree)
    if not meta.url:
        meta.url = found.extract_url(tree, None)
    date_config = set_date_params(DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH"))
    date_config["url"] = meta.url
    day = str(find_date(tree, **date_config) or "")
    authors = tuple(a for a in _AUTHOR_SPLIT.split(clean_line(meta.author or "")) if a)
    return clean_line(meta.title or ""), authors, day if _DAY.match(day) else None, meta.url
