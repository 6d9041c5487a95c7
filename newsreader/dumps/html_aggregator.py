"""A saved aggregator page in HTML: its visible text laid out as the text dump, parsed as one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from itertools import islice
from typing import Any

from newsreader.dumps.html_body import BLOCK_TAGS, NON_TEXT_TAGS
from newsreader.dumps.html_tree import elements, hidden
from newsreader.dumps.text import parse_text
from newsreader.errors import DumpError
from newsreader.models import ParsedStory
from newsreader.sanitize import clean_line

# Not part of the page's visible text. Navigation is left out too: the aggregator's text dumps
# go from the logo straight to the story, so a menu between them would hide the layout.
_INVISIBLE = NON_TEXT_TAGS | {"title", "nav", "button", "select", "textarea"}
_LINE_BLOCKS = BLOCK_TAGS | {"form", "body"}


def parse_aggregator(
    root: Any, name: str, captured_at: datetime
) -> tuple[list[ParsedStory], list[str]] | None:
    """Parse a saved aggregator page (its lxml tree), or None if it does not have the layout."""
    walk = visible_lines(root)
    head = list(islice(walk, 2))
    # The text layout starts with a 'logo' line or with the title given twice: any other page
    # is an article, known without walking the rest of it.
    texts = [line for line, _ in head]
    if not texts or not (texts[0].casefold() == "logo" or texts[1:] == texts[:1]):
        return None
    found = head + list(walk)
    captions = {line for line, caption in found if caption}
    try:
        stories, warnings = parse_text("\n".join(line for line, _ in found), name, captured_at)
    except DumpError:
        return None
    if not stories:
        return None
    return [_captions_apart(story, captions) for story in stories], warnings


def visible_lines(root: Any) -> Iterator[tuple[str, bool]]:
    """The page's text as a reader sees it, one block a line, each said to be a caption or not."""
    parts: list[str] = []
    in_caption = 0
    body = next(elements(root, "body"), root)
    # Each entry: an element to enter, an element being left, or a piece of text (a tail).
    stack: list[tuple[Any, bool] | str] = [(body, False)]
    while stack:
        entry = stack.pop()
        if isinstance(entry, str):
            parts.append(entry)
            continue
        node, leaving = entry
        if leaving:
            if line := _end_line(parts):
                yield line, in_caption > 0
            if node.tag == "figcaption":
                in_caption -= 1
            continue
        if not isinstance(node.tag, str) or node.tag in _INVISIBLE or hidden(node):
            continue
        if node.tag == "br":
            if line := _end_line(parts):
                yield line, in_caption > 0
        elif node.tag == "img":
            parts.append(str(node.get("alt") or ""))
        elif node.tag in _LINE_BLOCKS:
            if line := _end_line(parts):
                yield line, in_caption > 0
            if node.tag == "li":
                parts.append("• ")
            if node.tag == "figcaption":
                in_caption += 1
            stack.append((node, True))
        if node.text:
            parts.append(node.text)
        for child in reversed(node):
            if child.tail:
                stack.append(child.tail)
            stack.append((child, False))
    if line := _end_line(parts):
        yield line, in_caption > 0


def _end_line(parts: list[str]) -> str:
    """The line the text pieces in `parts` make, cleaned; `parts` is emptied."""
    line = clean_line("".join(parts))
    parts.clear()
    return line


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
