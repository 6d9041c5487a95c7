"""Fetch subscriptions concurrently (a few per host) and import what is new into the library.

One failing feed never stops the others and never touches what is stored: a feed's stories go
in only from a body that was fetched and parsed whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from newsreader.dumps.ages import iso_utc
from newsreader.feeds import subscriptions as subs
from newsreader.feeds.errors import FeedError
from newsreader.feeds.http_get import (
    DEADLINE,
    MAX_FEED_BYTES,
    TIMEOUT,
    FetchFailed,
    Response,
    get,
)
from newsreader.feeds.parse import ParsedFeed, parse_feed
from newsreader.feeds.subscriptions import Subscription
from newsreader.library import Library
from newsreader.models import ParsedDump

WORKERS = 16
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

    def count(self, outcome: Outcome) -> int:
        """How many feeds ended with `outcome`."""
        return sum(1 for r in self.results if r.outcome == outcome)

    def summary(self) -> str:
        """One line, like the import's."""
        return (
            f"{self.count('fetched')} feeds fetched, {self.count('unchanged')} unchanged, "
            f"{self.count('failed')} failed, {self.count('skipped')} skipped (backing off); "
            f"{self.stories_added} stories added, {self.versions_folded} versions folded"
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
    """A semaphore per host, made on first use."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.Semaphore] = {}

    def of(self, url: str) -> threading.Semaphore:
        """The semaphore of `url`'s host."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            return self._semaphores.setdefault(host, threading.Semaphore(self.per_host))


# What a worker thread hands back: the response, the parsed feed, why it failed, retry after.
_Fetched = tuple[Response | None, ParsedFeed | None, str, float | None]


@dataclass(frozen=True)
class Limits:
    """How long and how much one feed's fetch may take (tests make them small)."""

    timeout: float = TIMEOUT
    deadline: float = DEADLINE
    max_bytes: int = MAX_FEED_BYTES


def _fetch_one(sub: Subscription, hosts: _Hosts, now: datetime, limits: Limits) -> _Fetched:
    """Fetch and parse one feed in a worker thread: (response, feed, reason, retry after)."""
    try:
        with hosts.of(sub.url):
            response = get(
                sub.url,
                sub.etag,
                sub.last_modified,
                max_bytes=limits.max_bytes,
                timeout=limits.timeout,
                deadline=limits.deadline,
            )
    except FetchFailed as failure:
        return None, None, failure.reason, failure.retry_after
    if response.body is None:
        return response, None, "", None
    try:
        feed = parse_feed(response.body, sub.key, now, sub.name)
    except FeedError as error:
        return response, None, error.reason, None
    return response, feed, "", None


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

    def dumps() -> Iterator[ParsedDump]:
        if not due:
            return
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(due)))) as pool:
            futures: dict[Future[_Fetched], Subscription] = {
                pool.submit(_fetch_one, s, hosts, now, limits): s for s in due
            }
            for number, future in enumerate(as_completed(futures), start=1):
                sub = futures[future]
                response, feed, reason, wait = future.result()
                result = _record(sub, response, feed, reason, wait, now)
                if feed is not None:
                    new = [d for d in feed.dumps if d.digest not in library.catalog.digests]
                    result.added = len(new)
                    result.outcome = "fetched"
                    result.reason = f"{len(new)} new of {len(feed.dumps)}"
                    sub.outcome = f"ok: {result.reason}"
                    yield from new
                done.append(result)
                if on_feed is not None:
                    on_feed(number, len(due), sub.display_name)

    imported = library.import_dumps(dumps())
    report.stories_added = imported.stories_added
    report.versions_folded = imported.duplicates_hidden
    report.results.extend(done)
    _store(folder, done)
    return report


def _record(
    sub: Subscription,
    response: Response | None,
    feed: ParsedFeed | None,
    reason: str,
    wait: float | None,
    now: datetime,
) -> FeedResult:
    """Update the subscription with how its fetch went; the result to report."""
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
