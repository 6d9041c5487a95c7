"""Numbers about a library for the stats screen: stories per day, top sources, marks, totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from newsreader.library import Library
from newsreader.when import parse_time

DAYS = 30
TOP_SOURCES = 10


@dataclass(frozen=True)
class LibraryStats:
    """What the stats screen shows; counts are of shown stories (one per group) unless named."""

    first_day: date
    per_day: tuple[int, ...]  # stories published on each day from `first_day`, oldest first
    undated: int  # shown stories without a publication time
    top_sources: tuple[tuple[str, int], ...]  # most stories first, ties by name
    stories: int  # every story, hidden duplicates included
    shown: int
    hidden_duplicates: int
    dumps: int
    unread: int
    starred: int

    @property
    def last_day(self) -> date:
        """The last day of the per-day window (today when the stats were taken)."""
        return self.first_day + timedelta(days=len(self.per_day) - 1)


def library_stats(
    library: Library, now: datetime, days: int = DAYS, top: int = TOP_SOURCES
) -> LibraryStats:
    """Count the library's stories; days end on `now`'s date, in `now`'s time zone."""
    if now.tzinfo is None:
        raise ValueError("`now` must carry a time zone: days are counted in it")
    last_day = now.date()
    first_day = last_day - timedelta(days=days - 1)
    per_day = [0] * days
    undated = 0
    sources: Counter[str] = Counter()
    shown = library.visible()
    for story in shown:
        sources[story.source or "(no source)"] += 1
        published = parse_time(story.published)
        if published is None:
            undated += 1
            continue
        day = published.astimezone(now.tzinfo).date()
        if first_day <= day <= last_day:
            per_day[(day - first_day).days] += 1
    ranked = sorted(sources.items(), key=lambda item: (-item[1], item[0].casefold()))
    unread, starred = library.counts()
    return LibraryStats(
        first_day=first_day,
        per_day=tuple(per_day),
        undated=undated,
        top_sources=tuple(ranked[:top]),
        stories=len(library.stories),
        shown=len(shown),
        hidden_duplicates=len(library.stories) - len(shown),
        dumps=len(library.catalog.digests),
        unread=unread,
        starred=starred,
    )
