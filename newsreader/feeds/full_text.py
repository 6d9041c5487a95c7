"""Full text for feeds that carry only a summary: the linked page, read by the HTML reader.

The summary is kept whenever the page cannot be had or read; the reason is a warning.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from newsreader.errors import DumpError
from newsreader.feeds.http_get import FetchFailed, get
from newsreader.models import ParsedDump

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
