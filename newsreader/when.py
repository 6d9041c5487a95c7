"""How old a story is, said at the moment it is drawn: ages and dates from `published` and a
clock. A core module: no Textual, no numpy (the first screen is drawn with it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]

UNDATED = "undated"  # said of a story whose page gave no time of publication
UNDATED_SHORT = "—"  # the same in the list's narrow age column
# How often the app draws the ages on screen again, so that "3m" stays true.
AGE_REFRESH_SECONDS = 60.0

_MINUTE, _HOUR, _DAY = 60, 3600, 86400
# (seconds in the unit, short name, long name), largest first.
_UNITS = (
    (365 * _DAY, "y", "year"),
    (30 * _DAY, "mo", "month"),
    (7 * _DAY, "w", "week"),
    (_DAY, "d", "day"),
    (_HOUR, "h", "hour"),
    (_MINUTE, "m", "minute"),
)


def local_now() -> datetime:
    """The time now, in the local time zone: the clock the app and the CLI run on."""
    return datetime.now().astimezone()


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time as an aware datetime (naive taken as UTC); None when absent or bad."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_published(text: str | None) -> datetime | None:
    """A story's `published` string as an aware datetime, or None when absent or unreadable."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None


def _span(published: str | None, now: datetime) -> tuple[int, str, str] | None:
    """(count, short unit, long unit) of the age; count 0 for under a minute; None: undated."""
    moment = parse_time(published)
    if moment is None:
        return None
    # A page dated a little ahead of this machine's clock is as new as can be, not negative.
    seconds = max(0, int((now - moment).total_seconds()))
    for size, short, long in _UNITS:
        if seconds >= size:
            return seconds // size, short, long
    return 0, "", ""


def short_age(published: str | None, now: datetime) -> str:
    """The age in at most four cells, for the list: 'now', '3m', '10h', '2d', '5mo', or '—'."""
    span = _span(published, now)
    if span is None:
        return UNDATED_SHORT
    count, short, _ = span
    return f"{count}{short}" if count else "now"


def long_age(published: str | None, now: datetime) -> str:
    """The age in words: 'just now', '1 minute ago', '23 minutes ago', or 'undated'."""
    span = _span(published, now)
    if span is None:
        return UNDATED
    count, _, long = span
    if not count:
        return "just now"
    return f"{count} {long}{'' if count == 1 else 's'} ago"


def local_date(published: str | None, now: datetime) -> str:
    """The publication time in the time zone of `now`, e.g. '25 Nov 2026, 01:54'; '' if none."""
    moment = parse_time(published)
    if moment is None or now.tzinfo is None:
        return ""
    return moment.astimezone(now.tzinfo).strftime("%-d %b %Y, %H:%M")


def byline(source: str, published: str | None, now: datetime) -> str:
    """The reader's header line: source · age · date, or source · undated."""
    parts = [source, long_age(published, now), local_date(published, now)]
    return " · ".join(part for part in parts if part)


def newest_first_key(published: str | None, captured_at: str) -> str:
    """Sort key, largest first, for a newest-first list: the publication time, or for an
    undated story the time its page was saved, both as ISO 8601 UTC text."""
    moment = parse_time(published) or parse_time(captured_at)
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
