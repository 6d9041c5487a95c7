"""Worker processes for a fetch: feeds parsed and their new entries prepared for the library."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from newsreader.feeds.errors import FeedError
from newsreader.feeds.parse import ParsedFeed, parse_feed
from newsreader.fingerprint import PERMUTATIONS, Features
from newsreader.library import PreparedDump, prepare_dump
from newsreader.models import ParsedDump
from newsreader.words import U64

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
) -> tuple[ParsedFeed, PackedFeatures] | str:
    """`parse`, then `prepare` of every entry: one trip to a worker process, not two.

    What is worked out comes back packed (`PackedFeatures.unpack` gives the prepared dumps).
    """
    feed = parse(body, key, now, name)
    if isinstance(feed, str):
        return feed
    return feed, PackedFeatures.pack(prepare(list(feed.dumps)))


_U16 = npt.NDArray[np.uint16]


@dataclass(frozen=True)
class PackedFeatures:
    """A feed's entries' features, search terms and word counts as a few arrays.

    Five small arrays and a dataclass per entry cost the fetch process, which unpickles them
    holding its interpreter lock, about as much again as the entry's text: packed, a feed's
    come as one array per kind, and the entries' arrays are views of them.
    """

    exact: npt.NDArray[np.uint64]
    sketched: npt.NDArray[np.bool_]  # which entries have a sketch, in `sketches` in order
    sketches: _U16
    shingles: npt.NDArray[np.int64]
    number_count: npt.NDArray[np.int64]
    numbers: tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]  # values, each entry's end
    marks: tuple[_U16, npt.NDArray[np.int64]]
    facts: tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]
    terms: tuple[U64, npt.NDArray[np.int64]]
    counts: tuple[int, ...]

    @classmethod
    def pack(cls, prepared: list[PreparedDump]) -> PackedFeatures:
        """`prepared` (dumps of one story each, as a feed's entries are) packed."""
        assert all(len(p.features) == 1 for p in prepared)
        made = [p.features[0] for p in prepared]
        sketches = [f.sketch for f in made if f.sketch is not None]
        return cls(
            np.array([f.exact for f in made], dtype=np.uint64),
            np.array([f.sketch is not None for f in made], dtype=np.bool_),
            np.array(sketches, dtype=np.uint16).reshape(len(sketches), PERMUTATIONS),
            np.array([f.shingles for f in made], dtype=np.int64),
            np.array([f.number_count for f in made], dtype=np.int64),
            _ragged([f.numbers for f in made], np.uint32),
            _ragged([f.marks for f in made], np.uint16),
            _ragged([f.facts for f in made], np.uint64),
            _ragged([p.terms[0] for p in prepared], np.uint64),
            tuple(p.counts[0] for p in prepared),
        )

    def unpack(self, dumps: Sequence[ParsedDump]) -> list[PreparedDump]:
        """The prepared dumps of `dumps`, the dumps packed in this order."""
        exact = self.exact.tolist()
        shingles = self.shingles.tolist()
        number_count = self.number_count.tolist()
        numbers, marks = _views(*self.numbers), _views(*self.marks)
        facts, terms = _views(*self.facts), _views(*self.terms)
        sketches = iter(self.sketches)
        out = []
        for at, (dump, sketched) in enumerate(zip(dumps, self.sketched.tolist(), strict=True)):
            made = Features(
                exact[at],
                next(sketches) if sketched else None,
                shingles[at],
                numbers[at],
                number_count[at],
                marks[at],
                facts[at],
            )
            out.append(PreparedDump(dump, (made,), (terms[at],), (self.counts[at],)))
        return out


_A = TypeVar("_A", bound=np.generic)


def _ragged(
    arrays: list[npt.NDArray[_A]], dtype: type[_A]
) -> tuple[npt.NDArray[_A], npt.NDArray[np.int64]]:
    """`arrays` as one array and where each ends in it."""
    ends = np.cumsum([len(a) for a in arrays], dtype=np.int64)
    values = np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)
    return values, ends


def _views(values: npt.NDArray[_A], ends: npt.NDArray[np.int64]) -> list[npt.NDArray[_A]]:
    """The arrays `_ragged` packed, as views of `values`."""
    bounds = [0, *ends.tolist()]
    return [values[bounds[k] : bounds[k + 1]] for k in range(len(ends))]
