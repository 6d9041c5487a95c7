"""Ages and dates worked out from `published` at a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsreader.when import (
    UNDATED,
    UNDATED_SHORT,
    byline,
    local_date,
    long_age,
    newest_first_key,
    parse_time,
    short_age,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("published", "short", "long"),
    [
        (ago(seconds=20), "now", "just now"),
        (ago(minutes=1), "1m", "1 minute ago"),
        (ago(minutes=3), "3m", "3 minutes ago"),
        (ago(minutes=23, seconds=59), "23m", "23 minutes ago"),
        (ago(hours=10), "10h", "10 hours ago"),
        (ago(days=1), "1d", "1 day ago"),
        (ago(days=15), "2w", "2 weeks ago"),
        (ago(days=95), "3mo", "3 months ago"),
        (ago(days=800), "2y", "2 years ago"),
    ],
)
def test_ages_short_and_long(published: str, short: str, long: str) -> None:
    assert short_age(published, NOW) == short
    assert long_age(published, NOW) == long


def test_the_same_story_ages_as_the_clock_moves() -> None:
    published = ago(minutes=3)
    assert short_age(published, NOW) == "3m"
    assert short_age(published, NOW + timedelta(minutes=20)) == "23m"


def test_no_published_time_is_undated() -> None:
    for missing in (None, "", "not a time"):
        assert short_age(missing, NOW) == UNDATED_SHORT
        assert long_age(missing, NOW) == UNDATED
        assert local_date(missing, NOW) == ""
    assert byline("Mint", None, NOW) == "Mint · undated"


def test_a_time_a_little_ahead_of_the_clock_is_now() -> None:
    assert short_age("2026-11-20T12:02:00Z", NOW) == "now"


def test_the_date_is_in_the_clock_s_time_zone() -> None:
    india = NOW.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert local_date("2026-11-20T02:00:00Z", india) == "20 Nov 2026, 07:30"
    assert byline("Hindustan Times", "2026-11-20T02:00:00Z", india) == (
        "Hindustan Times · 10 hours ago · 20 Nov 2026, 07:30"
    )


def test_naive_and_offset_times_read_as_utc_and_as_given() -> None:
    assert parse_time("2026-11-20T10:00:00") == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert parse_time("2026-11-20T11:00:00+01:00") == datetime(2026, 11, 20, 10, tzinfo=UTC)


def test_undated_stories_sort_by_capture_time() -> None:
    dated_older = newest_first_key("2026-11-19T08:00:00Z", "2026-11-20T12:00:00Z")
    undated = newest_first_key(None, "2026-11-19T09:00:00Z")
    dated_newer = newest_first_key("2026-11-19T10:00:00+00:00", "2026-11-19T11:00:00Z")
    assert dated_older < undated < dated_newer
