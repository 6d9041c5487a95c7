"""Export stories as Markdown or as a JSON array, to standard output or a file written whole."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson

from newsreader.errors import NewsreaderError, in_words
from newsreader.models import Story
from newsreader.sanitize import clean_line, clean_text
from newsreader.storage import write_atomic

FORMATS = ("markdown", "json")


def markdown(stories: Iterable[Story]) -> str:
    """Each story as a Markdown section: title, source · age · published, authors, paragraphs."""
    sections = []
    for story in stories:
        # Text was cleaned when imported; cleaning again costs little and keeps an export
        # free of escape sequences whatever the library holds.
        lines = [f"## {clean_line(story.title) or '(untitled)'}", ""]
        byline = " · ".join(
            clean_line(part) for part in (story.source, story.age, story.published or "") if part
        )
        if byline:
            lines.append(f"*{byline}*")
        if story.authors:
            lines.append("By " + ", ".join(clean_line(a) for a in story.authors))
        if story.url:
            lines.append(f"<{clean_line(story.url)}>")
        if story.tags:
            lines.append("Tags: " + ", ".join(clean_line(t) for t in story.tags))
        for paragraph in story.paragraphs:
            lines.extend(["", clean_text(paragraph).strip()])
        sections.append("\n".join(lines).rstrip() + "\n")
    return "\n".join(sections)


def json_array(objects: Sequence[dict[str, Any]]) -> bytes:
    """The objects as one JSON array, indented for reading."""
    return orjson.dumps(list(objects), option=orjson.OPT_INDENT_2) + b"\n"


def write(data: bytes, path: Path | None) -> None:
    """Write `data` to `path` at once (temp file, fsync, rename), or to stdout when None."""
    if path is None or str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_atomic(path, data)
    except OSError as error:
        words = in_words(error, library=False)
        raise NewsreaderError(f"{path}: cannot be written ({words})") from error
