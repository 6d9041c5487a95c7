"""Feed entries that changed since they were stored: each becomes a new version of its story."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace

from newsreader.errors import UnknownStory
from newsreader.library import Library
from newsreader.library.batch import story_id
from newsreader.models import ParsedDump, ParsedStory


def version_digest(digest: str, story: ParsedStory) -> str:
    """The digest of one text of an entry: the entry's identity and what it says."""
    text = "\n".join((digest, story.title, *story.paragraphs))
    return hashlib.sha256(f"version\n{text}".encode()).hexdigest()


def changed_entries(
    library: Library, seen: Iterable[ParsedDump], full_text: bool = False
) -> list[ParsedDump]:
    """Of entries already in the library, those whose text is new: each as a new version.

    An entry is compared with its first text (read from disk); a text it had before is not
    new again, so a feed that flips between two texts adds each only once. With `full_text`
    the library holds the linked page's text, not the summary: only a new title counts.
    """
    changed: list[ParsedDump] = []
    for dump in seen:
        story = dump.stories[0]
        digest = version_digest(dump.digest, story)
        if digest in library.catalog.digests:
            continue
        first = story_id(dump.digest, 0)
        try:
            stored = library.story(first)
        except UnknownStory:
            continue  # its stories were deleted: not brought back as a version
        if stored.title == story.title and (full_text or stored.paragraphs == story.paragraphs):
            continue
        changed.append(replace(dump, digest=digest, replaces=first))
    return changed
