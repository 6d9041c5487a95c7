"""Full text for feeds that carry only a summary: the linked page, read by the HTML reader.

The summary is kept whenever the page cannot be had or read; the reason is a warning.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from newsreader.dumps.ages import iso_utc
from newsreader.errors import DumpError
from newsreader.feeds.http_get import FetchFailed, get
from newsreader.library.batch import story_id as story_id_of
from newsreader.models import ParsedDump, ParsedStory

if TYPE_CHECKING:
    from newsreader.library import Library

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""A news article page is a few hundred KB; past this it is not one."""
PAGE_TIMEOUT = 15.0
PAGE_DEADLINE = 30.0


def with_full_text(
    dump: ParsedDump,
    now: datetime,
    timeout: float = PAGE_TIMEOUT,
    deadline: float = PAGE_DEADLINE,
) -> tuple[ParsedDump, str | None]:
    """The entry with its linked page's article as its body; unchanged, and why, on failure."""
    from newsreader.dumps.decode import decode_bytes
    from newsreader.dumps.html import parse_html

    story = dump.stories[0]
    url = story.url
    if not url:
        return dump, "no link to read the full text from"
    try:
        response = get(url, max_bytes=MAX_PAGE_BYTES, timeout=timeout, deadline=deadline)
        stories, _warnings = parse_html(decode_bytes(response.body or b"", url), url, now)
    except FetchFailed as failure:
        return dump, f"full text of {url} not read ({failure.reason}): summary kept"
    except DumpError as error:
        return dump, f"full text of {url} not read ({error.reason}): summary kept"
    except Exception as error:  # the HTML reader on a page no one foresaw: the summary stays
        reason = f"{type(error).__name__}: {error}"[:200]
        return dump, f"full text of {url} not read ({reason}): summary kept"
    paragraphs = stories[0].paragraphs if stories else ()
    if not paragraphs:
        return dump, f"full text of {url} not read (no article on the page): summary kept"
    return replace(dump, stories=(replace(story, paragraphs=paragraphs),)), None


def full_texts(
    dumps: Sequence[ParsedDump],
    host_limit: Callable[[str], threading.Semaphore],
    now: datetime,
    timeout: float,
    deadline: float,
    warnings: list[str],
) -> list[ParsedDump]:
    """Each entry with the text of the page it links to where it can be read; why not, added
    to `warnings`. `host_limit(url)` is held while a page is fetched (the per-host limit)."""
    result: list[ParsedDump] = []
    for dump in dumps:
        with host_limit(dump.stories[0].url or ""):
            full, problem = with_full_text(dump, now, timeout, deadline)
        result.append(full)
        if problem is not None:
            warnings.append(problem)
    return result


@dataclass(frozen=True)
class StoryText:
    """What reading one story's page gave: the id of its new text, or why there is none."""

    story_id: str  # the story asked about
    new_id: str | None  # the version holding the page's text; None when the summary stays
    message: str  # for the status line, either way


def read_story_page(library: Library, story_id: str, now: datetime) -> StoryText:
    """Read the page `story_id` links to and store its article as the story's new version.

    The new text is a version of the story, as a changed feed entry is: shown first, with the
    story's read mark and star, the old text kept under it. On any failure nothing is stored.
    """
    from newsreader.feeds.versions import version_digest

    story = library.story(story_id)
    parsed = ParsedStory(
        title=story.title,
        source=story.source,
        age=story.age,
        published=story.published,
        authors=story.authors,
        paragraphs=story.paragraphs,
        url=story.url,
    )
    dump = ParsedDump(name=story.dump, stories=(parsed,), captured_at=iso_utc(now), digest="")
    full, problem = with_full_text(dump, now)
    if problem is not None:
        return StoryText(story_id, None, problem)
    text = full.stories[0]
    if text.paragraphs == story.paragraphs:
        return StoryText(story_id, None, "the page says what the story says: nothing to add")
    digest = version_digest(f"page\n{story_id}", text)
    new_id = story_id_of(digest, 0)
    if digest in library.catalog.digests:
        return StoryText(story_id, new_id, "the page's text was read before: shown")
    library.import_dumps([replace(full, digest=digest, replaces=story_id)])
    words = sum(len(p.split()) for p in text.paragraphs)
    return StoryText(
        story_id, new_id, f"full text read: {words} words (the summary kept as a version)"
    )
