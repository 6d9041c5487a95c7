"""A saved aggregator page in HTML: its visible text laid out as the text dump, parsed as one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement

from newsreader.dumps.html_body import BLOCK_TAGS, NON_TEXT_TAGS, is_hidden
from newsreader.dumps.text import parse_text
from newsreader.errors import DumpError
from newsreader.models import ParsedStory
from newsreader.sanitize import clean_line

# Not part of the page's visible text. Navigation is left out too: the aggregator's text dumps
# go from the logo straight to the story, so a menu between them would hide the layout.
_INVISIBLE = NON_TEXT_TAGS | {"title", "nav", "button", "select", "textarea"}
_LINE_BLOCKS = BLOCK_TAGS | {"form", "body"}


def parse_aggregator(
    soup: BeautifulSoup, name: str, captured_at: datetime
) -> tuple[list[ParsedStory], list[str]] | None:
    """Parse a saved aggregator page, or return None if `soup` does not have its layout."""
    lines, captions = visible_lines(soup)
    if not lines:
        return None
    try:
        stories, warnings = parse_text("\n".join(lines), name, captured_at)
    except DumpError:
        return None
    if not stories:
        return None
    return [_captions_apart(story, captions) for story in stories], warnings


def visible_lines(soup: BeautifulSoup) -> tuple[list[str], set[str]]:
    """The page's text as a reader sees it, one block a line, and the lines that are captions."""
    lines: list[str] = []
    captions: set[str] = set()
    parts: list[str] = []
    in_caption = 0

    def end_line() -> None:
        line = clean_line("".join(parts))
        parts.clear()
        if line:
            lines.append(line)
            if in_caption:
                captions.add(line)

    root = soup.body or soup
    stack: list[tuple[PageElement, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            end_line()
            if isinstance(node, Tag) and node.name == "figcaption":
                in_caption -= 1
            continue
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:
                parts.append(str(node))
            continue
        if not isinstance(node, Tag) or node.name in _INVISIBLE or is_hidden(node):
            continue
        if node.name == "br":
            end_line()
        elif node.name == "img":
            parts.append(str(node.get("alt") or ""))
        elif node.name in _LINE_BLOCKS:
            end_line()
            if node.name == "li":
                parts.append("• ")
            if node.name == "figcaption":
                in_caption += 1
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    end_line()
    return lines, captions


def _captions_apart(story: ParsedStory, captions: set[str]) -> ParsedStory:
    """Move paragraphs that were figure captions on the page into the story's captions."""
    moved = [p for p in story.paragraphs if p in captions]
    if not moved:
        return story
    return replace(
        story,
        paragraphs=tuple(p for p in story.paragraphs if p not in captions),
        captions=story.captions + tuple(moved),
    )
