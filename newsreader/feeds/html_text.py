"""Feed HTML (entry content, titles) as plain paragraphs: tags dropped, text cleaned.

Regular expressions rather than an HTML parser: an entry is a fragment whose only structure
worth keeping is where paragraphs end, and html.parser took half of a feed's parsing time.
"""

from __future__ import annotations

import html
import re

from newsreader.sanitize import clean_line

_BLOCKS = (
    "p|div|br|li|ul|ol|blockquote|pre|h[1-6]|table|tr|td|th|section|article|header|footer|"
    "figure|figcaption|hr|dd|dt|dl|aside|main|nav|address"
)
# Elements whose text is never shown, removed with their content; comments and CDATA too.
_HIDDEN = re.compile(
    r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)"
    r"|<(script|style|template|noscript|iframe|object|embed|svg|math|head)\b.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_TAG = re.compile(rf"<\s*/?\s*(?:{_BLOCKS})\b[^>]*>", re.IGNORECASE)
# Only what starts like a tag: "a < b" in text stays text.
_TAG = re.compile(r"</?[a-zA-Z!?][^>]*>?")


def html_paragraphs(fragment: str) -> list[str]:
    """The paragraphs of an HTML fragment as clean plain text (no tags, scripts or escapes)."""
    if "<" not in fragment and "&" not in fragment:
        return [line for line in (clean_line(part) for part in fragment.split("\n\n")) if line]
    text = _HIDDEN.sub(" ", fragment)
    paragraphs = []
    for block in _BLOCK_TAG.split(text):
        line = clean_line(html.unescape(_TAG.sub("", block)))
        if line:
            paragraphs.append(line)
    return paragraphs


def plain_line(text: str) -> str:
    """Text that may hold HTML (a feed title) as one clean line of plain text."""
    if "<" not in text and "&" not in text:
        return clean_line(text)
    return " ".join(html_paragraphs(text))
