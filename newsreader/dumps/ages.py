"""Relative ages ("10 hours ago") as the aggregator prints them, and the times they stand for."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# The age always ends the line, so a source that ends in digits ("ABC7 News2 hours ago") keeps
# them: the leftmost match that reaches the end of the line starts at the age's own number.
_AGE = r"(?:(?P<count>\d+|an?) (?P<unit>second|minute|hour|day|week|month|year)s? ago|just now)"
_SOURCE_AGE = re.compile(rf"^(?P<source>.*?)\s*(?P<age>{_AGE})$", re.IGNORECASE)
_TIME_LINE = re.compile(rf"^time\s*(?P<age>{_AGE})$", re.IGNORECASE)
_BARE_AGE = re.compile(rf"^{_AGE}$", re.IGNORECASE)

# The aggregator rolls an age over to the next unit ("25 hours" is shown as "a day"), so a count
# above these belongs partly to the source: "Inc423 months ago" is Inc42, 3 months.
_MAX_COUNT = {"second": 59, "minute": 59, "hour": 24, "day": 31, "week": 5, "month": 12}
_FIXED_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


def split_source_age(line: str) -> tuple[str, str] | None:
    """Split a line like `Hindustan Times10 hours ago` into its source and age, if it is one."""
    line = line.strip()
    match = _SOURCE_AGE.match(line)
    if match is None:
        return None
    start, count = match.start("age"), match["count"] or ""
    limit = _MAX_COUNT.get((match["unit"] or "").lower())
    while limit is not None and count.isdigit() and int(count) > limit and count[1:2] not in "0":
        start, count = start + 1, count[1:]
    return line[:start].strip(), line[start:]


def time_line_age(line: str) -> str | None:
    """The age in a related story's `time3 minutes ago` line (or a bare age line), if it is one."""
    line = line.strip()
    match = _TIME_LINE.match(line)
    if match is not None:
        return match["age"]
    return line if _BARE_AGE.match(line) else None


def iso_utc(moment: datetime) -> str:
    """Format `moment` as ISO 8601 UTC to the second; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def published_from_age(age: str, captured_at: datetime) -> str | None:
    """When a story `age` old at `captured_at` was published, or None if `age` is not an age."""
    match = _BARE_AGE.match(age.strip())
    if match is None:
        return None
    if captured_at.tzinfo is None:
        captured_at = captured_at.replace(tzinfo=UTC)
    captured_at = captured_at.astimezone(UTC)
    if match["count"] is None:
        return iso_utc(captured_at)
    count_text = match["count"].lower()
    unit = match["unit"].lower()
    try:
        count = 1 if count_text in ("a", "an") else int(count_text)
        if unit in _FIXED_UNITS:
            published = captured_at - timedelta(seconds=count * _FIXED_UNITS[unit])
        else:
            published = _months_before(captured_at, count * (12 if unit == "year" else 1))
    except (ValueError, OverflowError):
        return None
    return iso_utc(published)


def _months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier, clamped to the month's end."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            if day <= 28:
                raise
            day -= 1
