"""The query language: each construct, exclusions, dates against a fixed clock, errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.errors import NewsreaderError, QueryError
from newsreader.query import DateRange, Query, parse_query

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def q(text: str) -> Query:
    return parse_query(text, NOW)


@dataclass
class Meta:
    source: str = "Mint"
    title: str = "Budget Review: what changed"
    published: str | None = "2026-11-20T02:00:00Z"


def test_words_are_folded() -> None:
    assert q("Trump CAFÉ naïve").include.words == ("trump", "cafe", "naive")


def test_phrase_in_quotes() -> None:
    assert q('"Prime Minister" modi').include.phrases == (("prime", "minister"),)
    assert q('"Prime Minister" modi').include.words == ("modi",)


def test_one_word_in_quotes_is_a_word() -> None:
    assert q('"read"').include.words == ("read",)
    assert q('"read"').read is None


def test_a_word_of_several_words_is_a_phrase() -> None:
    assert q("U.S. Trump’s").include.phrases == (("u", "s"), ("trump", "s"))


def test_punctuation_alone_is_ignored() -> None:
    assert q("— ... -").is_empty


def test_empty_query_matches_everything() -> None:
    assert q("").is_empty and q("   ").is_empty
    assert not q("x").is_empty


def test_source() -> None:
    assert q("source:Mint").include.sources == ("mint",)


def test_source_with_spaces_in_quotes() -> None:
    assert q('source:"Times of India"').include.sources == ("times of india",)


def test_flags() -> None:
    assert q("unread").read is False
    assert q("read").read is True
    assert q("starred").starred is True
    assert q("StarRed").starred is True


def test_negated_flags() -> None:
    assert q("-starred").starred is False
    assert q("-read").read is False
    assert q("-unread").read is True


def test_contradicting_flags_are_an_error() -> None:
    with pytest.raises(QueryError, match="both read and unread"):
        q("read unread")
    with pytest.raises(QueryError, match="starred"):
        q("starred -starred")


def test_repeating_a_flag_is_fine() -> None:
    assert q("unread -read").read is False


def test_exclusions() -> None:
    query = q('trump -putin -"white house" -source:"the hindu" -@2026-11-19')
    assert query.include.words == ("trump",)
    assert query.exclude.words == ("putin",)
    assert query.exclude.phrases == (("white", "house"),)
    assert query.exclude.sources == ("the hindu",)
    assert query.exclude.dates == (
        DateRange(datetime(2026, 11, 19, tzinfo=UTC), NOW.replace(hour=0)),
    )


def test_a_lone_dash_is_not_an_exclusion() -> None:
    assert q("trump - putin").include.words == ("trump", "putin")


def test_relative_date() -> None:
    assert q("@2-days-ago").include.dates == (DateRange(NOW - timedelta(days=2), None),)
    assert q("@1-day-ago").include.dates == (DateRange(NOW - timedelta(days=1), None),)
    assert q("@3-hours-ago").include.dates[0].start == NOW - timedelta(hours=3)
    assert q("@2-weeks-ago").include.dates[0].start == NOW - timedelta(weeks=2)


def test_a_day() -> None:
    (span,) = q("@2026-11-01").include.dates
    assert span == DateRange(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))


def test_a_range_is_inclusive() -> None:
    (span,) = q("@2026-11-01--2026-11-20").include.dates
    assert span.start == datetime(2026, 11, 1, tzinfo=UTC)
    assert span.end == datetime(2026, 11, 21, tzinfo=UTC)
    assert span.contains(datetime(2026, 11, 20, 23, 59, tzinfo=UTC))
    assert not span.contains(datetime(2026, 11, 21, tzinfo=UTC))


def test_a_relative_range() -> None:
    (span,) = q("@2-weeks-ago--1-week-ago").include.dates
    assert span == DateRange(NOW - timedelta(weeks=2), NOW - timedelta(weeks=1))


def test_days_are_read_in_the_time_zone_of_now() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    (span,) = parse_query("@2026-11-01", NOW.astimezone(india)).include.dates
    assert span.start == datetime(2026, 11, 1, tzinfo=india)


@pytest.mark.parametrize(
    "text",
    ["@2026-13-01", "@2026-02-30", "@yesterday", "@", "@2-days", "@0000-01-01", "@2026-11-01--"],
)
def test_bad_dates(text: str) -> None:
    with pytest.raises(QueryError, match="not a date"):
        q(text)


def test_a_range_ending_before_it_starts() -> None:
    with pytest.raises(QueryError, match="ends before it starts"):
        q("@2026-11-20--2026-11-01")


def test_unclosed_quote() -> None:
    with pytest.raises(QueryError, match="unclosed quote"):
        q('trump "white house')


def test_source_without_a_name() -> None:
    with pytest.raises(QueryError, match="source: needs a name"):
        q("source:")


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(QueryError):
        parse_query("x", datetime(2026, 11, 20))


def test_query_error_is_a_newsreader_error() -> None:
    assert issubclass(QueryError, NewsreaderError)


def test_matches_meta_source() -> None:
    assert q("source:min").matches_meta(Meta(), read=False, starred=False)
    assert not q("source:hindu").matches_meta(Meta(), read=False, starred=False)
    assert not q("-source:mint").matches_meta(Meta(), read=False, starred=False)


def test_matches_meta_flags() -> None:
    assert q("unread").matches_meta(Meta(), read=False, starred=False)
    assert not q("unread").matches_meta(Meta(), read=True, starred=False)
    assert q("starred read").matches_meta(Meta(), read=True, starred=True)
    assert not q("-starred").matches_meta(Meta(), read=True, starred=True)


def test_matches_meta_dates() -> None:
    story = Meta(published="2026-11-19T23:00:00Z")
    assert q("@1-day-ago").matches_meta(story, read=False, starred=False)
    assert q("@2026-11-19").matches_meta(story, read=False, starred=False)
    assert not q("@2026-11-20").matches_meta(story, read=False, starred=False)
    assert not q("-@2026-11-19").matches_meta(story, read=False, starred=False)


def test_a_story_without_a_date_fails_dates_but_is_not_excluded_by_them() -> None:
    story = Meta(published=None)
    assert not q("@2026-11-19").matches_meta(story, read=False, starred=False)
    assert q("-@2026-11-19").matches_meta(story, read=False, starred=False)


def test_matches_text() -> None:
    title, body = "Trump and Putin", ["They met in the White House.", "Café talk."]
    assert q("putin cafe").matches_text(title, body)
    assert q('"white house"').matches_text(title, body)
    assert not q('"house white"').matches_text(title, body)
    assert not q("-putin").matches_text(title, body)
    assert not q('trump -"white house"').matches_text(title, body)


QUERYISH = st.text(alphabet='ab "-:@0129-dayso.ésurc*\\', max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), QUERYISH))
def test_any_text_gives_a_query_or_a_query_error(text: str) -> None:
    try:
        query = parse_query(text, NOW)
    except QueryError as error:
        assert str(error)
    else:
        assert isinstance(query, Query)
        assert query.text == text


def test_title_terms_match_part_of_the_title_only() -> None:
    assert q('title:review title:"what changed"').include.titles == ("review", "what changed")
    assert q("title:REVIEW").matches_meta(Meta(), read=False, starred=False)
    assert not q("-title:review").matches_meta(Meta(), read=False, starred=False)
    assert not q("title:final").matches_meta(Meta(), read=False, starred=False)
    with pytest.raises(QueryError, match="title: needs words"):
        q("title:")
