"""A library of many short, distinct stories for the app's keyboard tests, and small helpers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsreader.config import Config
from newsreader.library import Library
from newsreader.models import ParsedDump, ParsedStory
from newsreader.ui.app import NewsReader

SOURCES = ("Mint", "Reuters", "The Hindu")
NEWEST = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


def story_text(number: int, paragraphs: int = 2) -> tuple[str, ...]:
    """Paragraphs no other story shares a five-word run with, so none is taken for a duplicate."""
    words = [f"w{number}x{k}" for k in range(30 * paragraphs)]
    text = [" ".join(words[k : k + 30]) + "." for k in range(0, len(words), 30)]
    return (*text[:-1], text[-1][:-1] + f" marker{number % 4}.")


def build_library(
    folder: Path, stories: int = 40, paragraphs: int = 2, urls: bool = False
) -> Library:
    """A library of `stories` one-story dumps titled 'Story 00', 'Story 01', … newest first,
    each of `paragraphs` paragraphs (and with `urls`, the address of its page)."""
    library = Library(folder)
    dumps = []
    for number in range(stories):
        story = ParsedStory(
            title=f"Story {number:02d} about {'rain' if number % 2 else 'sun'}",
            source=SOURCES[number % len(SOURCES)],
            age=f"{number + 1} hours ago",
            published=(NEWEST - timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            paragraphs=story_text(number, paragraphs),
            url=f"https://news.example/story-{number:02d}?a=1&b=2" if urls else None,
        )
        digest = hashlib.blake2b(f"story {number}".encode(), digest_size=8).hexdigest()
        dumps.append(ParsedDump(f"{number:03d}.txt", (story,), "2026-11-21T00:00:00Z", digest))
    library.import_dumps(dumps)
    return library


def make_app(library: Library, **settings: object) -> NewsReader:
    """The app over `library` with default settings (overridden by `settings`)."""
    return NewsReader(library=library, config=Config(**settings))  # type: ignore[arg-type]
