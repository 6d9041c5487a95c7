"""Fetch subscriptions concurrently (a few per host) and import what is new into the library.

One failing feed never stops the others and never touches what is stored: a feed's stories go
in only from a body that was fetched and parsed whole.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from newsreader.dumps.ages import iso_utc
from newsreader.feeds.errors import FeedError
from newsreader.feeds.full_text import full_texts
from newsreader.feeds.http_get import (
    DEADLINE,
    MAX_FEED_BYTES,
    TIMEOUT,
    Connections,
    FetchFailed,
    Response,
    get,
)
from newsreader.feeds.parse import ParsedFeed
from newsreader.feeds.versions import changed_entries
from newsreader.feeds.workers import Workers, parse, parse_and_prepare, prepare
from newsreader.library import ImportReport, Library, PreparedDump
from newsreader.library import subscriptions as subs
from newsreader.library.subscriptions import Subscription
from newsreader.models import ParsedDump
from newsreader.rules import summary
from newsreader.undo import Change

WORKERS = 16
IN_FLIGHT = 24
"""Feeds fetched (or being fetched) ahead of the import, at most."""
INLINE_MS = 1000.0
"""Work (estimated, in ms) done in this process before the rest goes to worker processes,
started then: starting them costs about a second, worth it only when many entries are new."""
PARSE_MS_PER_BYTE = 1 / 15_000
"""A feed document costs about this to parse (10 ms for 50 entries, 150 KB, read by lxml)."""
PREPARE_MS_PER_ENTRY = 1.0
"""A new entry's duplicate features and search terms cost about this."""
PREPARE_MS_PER_BYTE = 1 / 3_000
"""A feed document's entries, all new, cost about this to prepare (50 ms for 50, 150 KB)."""
PER_HOST = 2
"""Requests in flight to one host at a time: a site serving many feeds is not hammered."""
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_MOST = timedelta(hours=24)

Outcome = Literal["fetched", "unchanged", "failed", "skipped"]


@dataclass
class FeedResult:
    """How one subscription's fetch went."""

    subscription: Subscription
    outcome: Outcome
    reason: str = ""
    added: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class FetchReport:
    """What one fetch did, feed by feed and in all."""

    results: list[FeedResult] = field(default_factory=list)
    stories_added: int = 0
    versions_folded: int = 0
    rule_changes: list[Change] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        """How many feeds ended with `outcome`."""
        return sum(1 for r in self.results if r.outcome == outcome)

    def summary(self) -> str:
        """One line, like the import's."""
        return (
            f"{self.count('fetched')} feeds fetched, {self.count('unchanged')} unchanged, "
            f"{self.count('failed')} failed, {self.count('skipped')} skipped (backing off); "
            f"{self.stories_added} stories added, {self.versions_folded} versions folded"
            + (f"; {summary(self.rule_changes)}" if self.rule_changes else "")
        )


def backoff(failures: int) -> timedelta:
    """How long a feed that failed `failures` times in a row is left alone."""
    doublings: int = max(0, min(failures - 1, 20))
    return min(BACKOFF_FIRST * (1 << doublings), BACKOFF_MOST)


def select(
    all_subs: Sequence[Subscription], wanted: Sequence[str], now: datetime
) -> tuple[list[Subscription], list[Subscription]]:
    """(to fetch, skipped): the ones named (always), or every one not backing off."""
    if wanted:
        chosen: dict[str, Subscription] = {}
        for text in wanted:
            found = subs.find(list(all_subs), text)
            if not found:
                raise FeedError(text, "no such subscription (see `newsreader feeds`)")
            chosen.update((s.key, s) for s in found)
        return list(chosen.values()), []
    due: list[Subscription] = []
    waiting: list[Subscription] = []
    for s in all_subs:
        (waiting if s.next_attempt and s.next_attempt > iso_utc(now) else due).append(s)
    return due, waiting


class _Hosts:
    """A semaphore per host, made on first use; connections kept open to reuse."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.Semaphore] = {}
        self.connections = Connections()

    def of(self, url: str) -> threading.Semaphore:
        """The semaphore of `url`'s host."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            return self._semaphores.setdefault(host, threading.Semaphore(self.per_host))


@dataclass(frozen=True)
class _Fetched:
    """What a worker thread hands back about one feed."""

    response: Response | None
    feed: ParsedFeed | None
    new: list[PreparedDump]  # the entries not in the library yet, prepared for it
    reason: str  # why it failed, if it did
    retry_after: float | None = None
    seen: tuple[ParsedDump, ...] = ()  # the entries already in the library, maybe changed
    warnings: tuple[str, ...] = ()  # full text that could not be read, say


@dataclass(frozen=True)
class Limits:
    """How long and how much one feed's fetch may take (tests make them small)."""

    timeout: float = TIMEOUT
    deadline: float = DEADLINE
    max_bytes: int = MAX_FEED_BYTES


def _fetch_one(
    sub: Subscription,
    hosts: _Hosts,
    workers: Workers,
    known: Callable[[str], bool],
    now: datetime,
    limits: Limits,
) -> _Fetched:
    """Fetch, parse and prepare one feed's new entries (in a worker thread)."""
    try:
        with hosts.of(sub.url):
            response = get(
                sub.url,
                sub.etag,
                sub.last_modified,
                max_bytes=limits.max_bytes,
                timeout=limits.timeout,
                deadline=limits.deadline,
                connections=hosts.connections,
            )
    except FetchFailed as failure:
        return _Fetched(None, None, [], failure.reason, failure.retry_after)
    if response.body is None:
        return _Fetched(response, None, [], "", None)
    cost = len(response.body) * PARSE_MS_PER_BYTE
    if sub.last_fetch is None and not sub.full_text:
        # Never fetched: its entries are new, and are prepared where they are parsed, so that
        # their text crosses between processes once rather than three times.
        cost += len(response.body) * PREPARE_MS_PER_BYTE
        both = workers.run(cost, parse_and_prepare, response.body, sub.key, now, sub.name)
        if isinstance(both, str):
            return _Fetched(response, None, [], both, None)
        parsed, packed = both
        # Known all the same when subscribed again after a removal that kept its stories.
        prepared = [p for p in packed.unpack(parsed.dumps) if not known(p.dump.digest)]
        seen = tuple(dump for dump in parsed.dumps if known(dump.digest))
        return _Fetched(response, parsed, prepared, "", None, seen)
    feed = workers.run(cost, parse, response.body, sub.key, now, sub.name)
    if isinstance(feed, str):
        return _Fetched(response, None, [], feed, None)
    new = [dump for dump in feed.dumps if not known(dump.digest)]
    warnings: list[str] = []
    if sub.full_text:
        new = full_texts(new, hosts.of, now, limits.timeout, limits.deadline, warnings)
    prepared = workers.run(len(new) * PREPARE_MS_PER_ENTRY, prepare, new) if new else []
    seen = tuple(dump for dump in feed.dumps if known(dump.digest))
    return _Fetched(response, feed, prepared, "", None, seen, tuple(warnings))


def fetch_feeds(
    library: Library,
    wanted: Sequence[str] = (),
    on_feed: Callable[[int, int, str], None] | None = None,
    now: datetime | None = None,
    workers: int = WORKERS,
    per_host: int = PER_HOST,
    limits: Limits = Limits(),
) -> FetchReport:
    """Fetch the subscriptions (those named in `wanted`, else all not backing off) and import."""
    now = now or datetime.now(UTC)
    folder = library.folder
    due, waiting = select(subs.load(folder), wanted, now)
    report = FetchReport()
    report.results.extend(
        FeedResult(s, "skipped", f"backing off until {s.next_attempt}") for s in waiting
    )
    hosts = _Hosts(per_host)
    done: list[FeedResult] = []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    parsers = Workers(cores, INLINE_MS)

    def known(digest: str) -> bool:
        return digest in library.catalog.digests

    # Feeds fetched and parsed but not yet taken by the library: the fetching threads must not
    # run ahead of the import with every feed's entries in memory. Results come back through a
    # queue, not futures, which would keep every feed's entries until the last one is done.
    ahead = threading.Semaphore(IN_FLIGHT)
    arrived: queue.SimpleQueue[tuple[Subscription, _Fetched, bool]] = queue.SimpleQueue()
    stopping = threading.Event()

    def fetch_one(sub: Subscription) -> None:
        ahead.acquire()
        if stopping.is_set():
            return
        try:
            fetched = _fetch_one(sub, hosts, parsers, known, now, limits)
        except Exception as error:  # a bug or a dead worker process: this feed alone fails
            reason = f"unexpected error ({type(error).__name__}: {error})"
            fetched = _Fetched(None, None, [], reason)
        # A 304 or a failure holds no entries: its place goes to the next feed at once, so
        # that fetching goes on while the import is busy (loading the duplicate index, say).
        holds = fetched.feed is not None
        if not holds:
            ahead.release()
        arrived.put((sub, fetched, holds))

    def dumps() -> Generator[PreparedDump, None, None]:
        if not due:
            return
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(due)))) as pool:
            try:
                for sub in due:
                    pool.submit(fetch_one, sub)
                for number in range(1, len(due) + 1):
                    sub, fetched, holds = arrived.get()
                    if holds:
                        ahead.release()
                    result = _record(sub, fetched, now)
                    if fetched.feed is not None:
                        # Compared here, not in the threads: it reads the library.
                        changed = changed_entries(library, fetched.seen, sub.full_text)
                        if sub.full_text:
                            changed = full_texts(
                                changed,
                                hosts.of,
                                now,
                                limits.timeout,
                                limits.deadline,
                                result.warnings,
                            )
                        prepared = prepare(changed)
                        result.warnings.extend(fetched.warnings)
                        result.added = len(fetched.new) + len(changed)
                        result.reason = f"{len(fetched.new)} new of {len(fetched.feed.dumps)}"
                        if changed:
                            result.reason += f", {len(changed)} changed"
                        sub.outcome = f"ok: {result.reason}"
                        yield from fetched.new
                        yield from prepared
                    del fetched
                    done.append(result)
                    if on_feed is not None:
                        on_feed(number, len(due), sub.display_name)
            finally:
                # The import stopped (an error, or the user): let waiting threads end at once.
                stopping.set()
                for _ in due:
                    ahead.release()

    stream = dumps()
    try:
        # The library is locked for the import only once there is something new to import:
        # a fetch of 304s never loads the duplicate index at all.
        first = next(stream, None)
        imported = ImportReport()
        if first is not None:
            imported = library.import_dumps(itertools.chain([first], stream))
    finally:
        stream.close()
        parsers.close()
        hosts.connections.close()
    report.stories_added = imported.stories_added
    report.versions_folded = imported.duplicates_hidden
    report.rule_changes = imported.rule_changes
    report.results.extend(done)
    _store(folder, done)
    return report


def _record(sub: Subscription, fetched: _Fetched, now: datetime) -> FeedResult:
    """Update the subscription with how its fetch went; the result to report."""
    response, feed, reason, wait = (
        fetched.response,
        fetched.feed,
        fetched.reason,
        fetched.retry_after,
    )
    sub.last_fetch = iso_utc(now)
    if response is None or (response.body is not None and feed is None):
        sub.failures += 1
        delay = backoff(sub.failures)
        if wait is not None:
            delay = max(delay, timedelta(seconds=wait))
        sub.next_attempt = iso_utc(now + delay)
        sub.outcome = f"failed: {reason}"
        return FeedResult(sub, "failed", reason)
    sub.failures, sub.next_attempt = 0, None
    if response.moved_to:
        sub.url = response.moved_to
    sub.etag, sub.last_modified = response.etag, response.last_modified
    if response.body is None:
        sub.outcome = "unchanged"
        return FeedResult(sub, "unchanged", "not modified (304)")
    assert feed is not None
    if feed.title:
        sub.title = feed.title
    return FeedResult(sub, "fetched", warnings=list(feed.warnings))


def _store(folder: Path, results: list[FeedResult]) -> None:
    """Write the fetches' outcomes back, keeping what other processes changed meanwhile."""
    by_key = {r.subscription.key: r.subscription for r in results}
    with subs.editing(folder) as current:
        for position, sub in enumerate(current):
            if sub.key in by_key:
                fetched = by_key[sub.key]
                fetched.name, fetched.tags = sub.name, sub.tags  # renamed meanwhile: kept
                current[position] = fetched
