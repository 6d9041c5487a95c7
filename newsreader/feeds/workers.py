"""Worker processes for a fetch: feeds parsed and their new entries prepared for the library."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from newsreader.feeds.errors import FeedError
from newsreader.feeds.parse import ParsedFeed, parse_feed
from newsreader.library import PreparedDump, prepare_dump
from newsreader.models import ParsedDump

_T = TypeVar("_T")


class Workers:
    """Processes that parse feeds and work out their entries' features, started on first use.

    The first `inline_ms` of work runs in the calling thread: starting the processes costs
    about a second, worth it only when many entries are new (a first fetch, not a usual one
    of 304s and a few changed feeds).
    """

    def __init__(self, processes: int, inline_ms: float) -> None:
        self.processes = processes
        self.inline_ms = inline_ms
        self._done_ms = 0.0
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def run(self, cost_ms: float, function: Callable[..., _T], *args: Any) -> _T:
        """`function(*args)`, in a worker process when there are several and the work so far,
        `cost_ms` of this call included, is past what is done here."""
        with self._lock:
            self._done_ms += cost_ms
            here = self.processes <= 1 or self._done_ms <= self.inline_ms
        if here:
            return function(*args)
        with self._lock:
            if self._pool is None:
                # spawn, not fork: this process runs threads, and forking them is unsafe.
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
        return self._pool.submit(function, *args).result()

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()


def parse(body: bytes, key: str, now: datetime, name: str) -> ParsedFeed | str:
    """Parse a feed's body; the reason instead when it cannot be read (pickled as a string)."""
    try:
        return parse_feed(body, key, now, name)
    except FeedError as error:
        return error.reason
    except Exception as error:  # feedparser on a document no one foresaw: this feed fails
        return f"cannot be parsed ({type(error).__name__}: {error})"[:300]


def prepare(dumps: list[ParsedDump]) -> list[PreparedDump]:
    """Work out what the library computes of each new entry ahead, as the importer does."""
    return [prepare_dump(dump) for dump in dumps]


def parse_and_prepare(
    body: bytes, key: str, now: datetime, name: str
) -> tuple[ParsedFeed, list[PreparedDump]] | str:
    """`parse`, then `prepare` of every entry: one trip to a worker process, not two."""
    feed = parse(body, key, now, name)
    if isinstance(feed, str):
        return feed
    return feed, prepare(list(feed.dumps))
