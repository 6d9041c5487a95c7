"""The aggregator text layout: the seed's golden result, its variants, cut-off dumps, ages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.dumps import parse_dump, read_dump
from newsreader.dumps.ages import published_from_age, split_source_age
from newsreader.dumps.text import parse_text
from newsreader.errors import DumpError
from newsreader.models import ParsedDump

ROOT = Path(__file__).parent.parent
SEED = ROOT / "seeds" / "000_e213fecfa28b599e.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "text"
AT = datetime(2025, 8, 9, 12, 0, tzinfo=UTC)
FURNITURE = ("Write to", "Orange background", "Try Our AI", "No comments yet", "DOWNLOAD THE APP")
FURNITURE += ("app-store", "Related Articles", "Explore what", "Get Started Now", "Ready to dive")


def parse(text: str, name: str = "dump.txt") -> ParsedDump:
    """Parse `text` as a UTF-8 dump captured at AT."""
    return parse_dump(text.encode("utf-8"), name, AT)


def dump(title: str, source_age: str, body: list[str], *, footer: bool = True) -> str:
    """A minimal aggregator text dump with one main story."""
    lines = ["logo", title, "", title, "", source_age, *body, "Comments", "No comments yet..."]
    if footer:
        lines += ["DOWNLOAD THE APP", "Get Started Now: Download the App"]
    return "\n".join(lines) + "\n"


def related(title: str, source: str, age: str, body: str) -> list[str]:
    """The lines of one related story as the aggregator lays it out."""
    return [
        title,
        title,
        "",
        source,
        "",
        f"time{age}",
        "",
        f"  • {source}",
        "",
        title,
        "",
        body,
        "",
    ]


@pytest.fixture(scope="module")
def seed() -> ParsedDump:
    """The seed dump, parsed once."""
    return read_dump(SEED, AT)


def test_seed_main_story_is_golden(seed: ParsedDump) -> None:
    main = seed.stories[0]
    assert main.role == "main"
    assert main.title == "How Trump and Putin Reached a New Make-or-Break Moment on Ukraine"
    assert main.source == "Hindustan Times"
    assert main.age == "10 hours ago"
    assert main.published == "2025-08-09T02:00:00Z"
    assert main.authors == ("Alexander Ward", "Alex Leary", "Matthew Luxmoore")
    assert main.paragraphs[0].startswith("WASHINGTON—President Trump has long believed")
    assert main.paragraphs[-1].endswith("'That is his brand.'")
    assert len(main.paragraphs) == 38
    assert main.notes == ()


def test_seed_caption_is_kept_out_of_the_body(seed: ParsedDump) -> None:
    caption = (
        "Russian President Vladimir Putin and Steve Witkoff, President Trump's envoy, "
        "in Moscow this week."
    )
    assert seed.stories[0].captions == (caption,)
    assert caption not in seed.stories[0].paragraphs


def test_seed_related_stories_are_golden(seed: ParsedDump) -> None:
    expected = [
        (
            "'Not really focused...': JD Vance about 2028 election after Trump calls him GOP "
            "frontrunner",
            "Time of India",
        ),
        ("Trump Rattles Latin America by Weighing Using Military Force", "Mint"),
        ("Trump Rattles Latin America by Exploring Use of Military Force", "Mint"),
    ]
    related_stories = seed.stories[1:]
    assert [(story.title, story.source) for story in related_stories] == expected
    for story in related_stories:
        assert story.role == "related"
        assert story.age == "3 minutes ago"
        assert story.published == "2025-08-09T11:57:00Z"
        assert len(story.paragraphs) == 1


def test_seed_syndication_lines_become_notes(seed: ParsedDump) -> None:
    for story in seed.stories[2:]:
        assert story.notes == (
            "With assistance from Scott Squires.",
            "This article was generated from an automated news agency feed without "
            "modifications to text.",
        )
        assert story.paragraphs[0].endswith("potentially the region itself.'")


def test_seed_furniture_reaches_no_story(seed: ParsedDump) -> None:
    for story in seed.stories:
        for paragraph in (*story.paragraphs, *story.captions, *story.notes):
            assert not any(word in paragraph for word in FURNITURE), paragraph


def test_seed_parses_without_warnings(seed: ParsedDump) -> None:
    assert seed.warnings == ()
    assert seed.name == SEED.name
    assert seed.captured_at == "2025-08-09T12:00:00Z"


def test_dump_without_related_stories() -> None:
    parsed = parse_dump((FIXTURES / "no_related.txt").read_bytes(), "no_related.txt", AT)
    [main] = parsed.stories
    assert (main.source, main.age, main.authors) == ("9to5Mac", "1 day ago", ("Jane Doe",))
    assert len(main.paragraphs) == 4
    assert parsed.warnings == ()


def test_dump_with_one_related_story() -> None:
    parsed = parse_dump((FIXTURES / "one_related.txt").read_bytes(), "one_related.txt", AT)
    main, other = parsed.stories
    assert (main.source, main.age) == ("ABC7 News", "2 hours ago")
    assert main.authors == ("Jane Doe", "John Roe")
    assert (other.title, other.source, other.age) == (
        "Highway 101 Reopens After Mudslide",
        "KRON4",
        "45 minutes ago",
    )
    assert other.paragraphs[0].startswith("Crews cleared the mud")


def test_dump_with_many_related_stories() -> None:
    parsed = parse_dump((FIXTURES / "many_related.txt").read_bytes(), "many_related.txt", AT)
    main, *others = parsed.stories
    assert main.source == "The Economic Times"
    assert main.authors == ("Asha Rao", "Vikram Shah", "Li Wei", "Maria Lopez")
    assert [story.age for story in others] == [
        "an hour ago",
        "a day ago",
        "3 weeks ago",
        "2 months ago",
        "1 year ago",
    ]
    assert len(others[2].paragraphs) == 2
    assert others[3].notes == ("(Reporting by Sam Lee; Editing by Ann Park)",)
    assert others[3].paragraphs == ("Oil was little changed as supply worries eased.",)


@pytest.mark.parametrize(
    ("fixture", "title", "source", "authors"),
    [
        ("hindi.txt", "दिल्ली में भारी बारिश से कई इलाकों में जलभराव", "दैनिक भास्कर", ("राहुल शर्मा",)),
        ("japanese.txt", "東京で桜が満開に、例年より一週間早く", "NHKニュース", ()),
        ("russian.txt", "В Москве открылась новая линия метро", "РИА Новости", ()),
        (
            "french.txt",
            "Grève des contrôleurs aériens : des centaines de vols annulés à Paris",
            "Le Monde",
            ("Hélène Dupré", "François Bézier"),
        ),
    ],
)
def test_any_script(fixture: str, title: str, source: str, authors: tuple[str, ...]) -> None:
    parsed = parse_dump((FIXTURES / fixture).read_bytes(), fixture, AT)
    [main] = parsed.stories
    assert (main.title, main.source, main.authors) == (title, source, authors)
    assert main.paragraphs and main.captions == ()


@pytest.mark.parametrize(
    ("line", "source", "age"),
    [
        ("Hindustan Times10 hours ago", "Hindustan Times", "10 hours ago"),
        ("9to5Mac1 day ago", "9to5Mac", "1 day ago"),
        ("The Economic Times45 minutes ago", "The Economic Times", "45 minutes ago"),
        ("ABC7 News2 hours ago", "ABC7 News", "2 hours ago"),
        ("Reutersan hour ago", "Reuters", "an hour ago"),
        ("Al Jazeeraa day ago", "Al Jazeera", "a day ago"),
        ("Japan Todaya week ago", "Japan Today", "a week ago"),
        ("Inc423 months ago", "Inc42", "3 months ago"),
        ("WXYZ1230 minutes ago", "WXYZ12", "30 minutes ago"),
        ("Foo100 years ago", "Foo", "100 years ago"),
        ("Mint 5 years ago", "Mint", "5 years ago"),
        ("BBCjust now", "BBC", "just now"),
    ],
)
def test_source_and_age_are_split(line: str, source: str, age: str) -> None:
    assert split_source_age(line) == (source, age)


@pytest.mark.parametrize("line", ["Hindustan Times", "10 hours later", "ago", "3 fortnights ago"])
def test_lines_without_an_age_are_not_split(line: str) -> None:
    assert split_source_age(line) is None


@pytest.mark.parametrize(
    ("age", "published"),
    [
        ("1 minute ago", "2025-08-09T11:59:00Z"),
        ("45 minutes ago", "2025-08-09T11:15:00Z"),
        ("an hour ago", "2025-08-09T11:00:00Z"),
        ("1 hour ago", "2025-08-09T11:00:00Z"),
        ("10 hours ago", "2025-08-09T02:00:00Z"),
        ("a day ago", "2025-08-08T12:00:00Z"),
        ("3 days ago", "2025-08-06T12:00:00Z"),
        ("a week ago", "2025-08-02T12:00:00Z"),
        ("2 weeks ago", "2025-07-26T12:00:00Z"),
        ("a month ago", "2025-07-09T12:00:00Z"),
        ("8 months ago", "2024-12-09T12:00:00Z"),
        ("a year ago", "2024-08-09T12:00:00Z"),
        ("2 years ago", "2023-08-09T12:00:00Z"),
        ("just now", "2025-08-09T12:00:00Z"),
        ("30 seconds ago", "2025-08-09T11:59:30Z"),
    ],
)
def test_published_from_age(age: str, published: str) -> None:
    assert published_from_age(age, AT) == published


def test_published_is_utc_whatever_the_capture_zone() -> None:
    at = datetime(2025, 8, 9, 17, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert published_from_age("2 hours ago", at) == "2025-08-09T10:00:00Z"


def test_published_month_arithmetic_clamps_to_the_month_end() -> None:
    at = datetime(2025, 3, 31, 8, 0, tzinfo=UTC)
    assert published_from_age("a month ago", at) == "2025-02-28T08:00:00Z"


@pytest.mark.parametrize("age", ["", "yesterday", "ten hours ago", "99999999999999 years ago"])
def test_published_is_none_for_what_is_no_age(age: str) -> None:
    assert published_from_age(age, AT) is None


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Write to Jane Doe", ("Jane Doe",)),
        ("Write to Jane Doe at jane@x.com", ("Jane Doe",)),
        ("Write to Jane Doe at jane@x.com.", ("Jane Doe",)),
        ("Write to Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("Write to A Bee at a@x.com and C Dee at c@x.com", ("A Bee", "C Dee")),
        ("Write to Ann Lee, Bo Park and Cy Tam", ("Ann Lee", "Bo Park", "Cy Tam")),
        ("Write to Ann Lee, Bo Park, and Cy Tam", ("Ann Lee", "Bo Park", "Cy Tam")),
        ("Write to José Álvarez at jose@x.es", ("José Álvarez",)),
    ],
)
def test_bylines_become_authors(byline: str, authors: tuple[str, ...]) -> None:
    [main] = parse(dump("A Title", "Reuters2 hours ago", ["First.", byline])).stories
    assert main.authors == authors
    assert main.paragraphs == ("First.",)


def test_a_sentence_starting_write_to_stays_in_the_body() -> None:
    line = "Write to your local council to complain about the noise."
    [main] = parse(dump("A Title", "Reuters2 hours ago", ["First.", line])).stories
    assert main.authors == ()
    assert main.paragraphs == ("First.", line)


def test_notes_on_lines_of_their_own() -> None:
    body = [
        "The story.",
        "With assistance from Jane A. Doe and John Roe.",
        "This story was generated from a syndicated feed.",
    ]
    [main] = parse(dump("A Title", "Reuters2 hours ago", body)).stories
    assert main.paragraphs == ("The story.",)
    assert main.notes == tuple(body[1:])


def test_a_sentence_merely_mentioning_assistance_stays() -> None:
    body = ["With assistance from the UN, the town rebuilt its school in a year."]
    [main] = parse(dump("A Title", "Reuters2 hours ago", body)).stories
    assert main.paragraphs == tuple(body)
    assert main.notes == ()


def test_short_unpunctuated_line_amid_the_body_is_a_caption() -> None:
    body = ["It began in May.", "The mayor at the opening on Monday", "It ended in June."]
    [main] = parse(dump("A Title", "Reuters2 hours ago", body)).stories
    assert main.captions == ("The mayor at the opening on Monday",)
    assert main.paragraphs == ("It began in May.", "It ended in June.")


@pytest.mark.parametrize(
    "line",
    [
        "มีผู้ชุมนุมหลายพันคนที่กรุงเทพฯ เมื่อวันอาทิตย์",
        "東京の上野公園で花見を楽しむ人たち",
        "Trump and Putin met in Alaska last week.",
        "It remains a long shot.",
        "'We will see,' Trump said.",
        "The talks failed. Both sides left.",
    ],
)
def test_short_sentences_stay_in_the_body(line: str) -> None:
    body = ["It began in May.", line, "It ended in June."]
    [main] = parse(dump("A Title", "Reuters2 hours ago", body)).stories
    assert main.captions == ()
    assert main.paragraphs == tuple(body)


def test_related_story_with_source_and_age_on_one_line() -> None:
    lines = ["Other Story", "Other Story", "Mint3 minutes ago", "Other Story", "Other body."]
    text = dump("A Title", "Reuters2 hours ago", ["First.", "Related Articles", *lines])
    main, other = parse(text).stories
    assert (other.title, other.source, other.age) == ("Other Story", "Mint", "3 minutes ago")
    assert other.paragraphs == ("Other body.",)
    assert main.paragraphs == ("First.",)


def test_crlf_trailing_spaces_and_blank_lines_change_nothing() -> None:
    text = SEED.read_text("utf-8")
    messy = "\r\n\r\n".join(line + "  \t" for line in text.split("\n"))
    assert parse(messy).stories == parse(text).stories


def test_hostile_text_is_cleaned_but_kept_literal() -> None:
    title = "Markets \x1b[2J\x1b]0;pwned\x07[bold red]Crash[/] <script>alert(1)</script>"
    body = ["Body \x1b[31mred\x1b[0m text with \u202eevil\u202c bidi.", "Second [link](x)."]
    [main] = parse(dump(title, "Re\x1b[1muters2 hours ago", body)).stories
    assert main.title == "Markets [bold red]Crash[/] <script>alert(1)</script>"
    assert main.source == "Reuters"
    assert main.paragraphs == ("Body red text with evil bidi.", "Second [link](x).")


def test_title_given_twice_without_logo_is_a_dump() -> None:
    text = "A Title\nA Title\nReuters2 hours ago\nThe body.\nDOWNLOAD THE APP\n"
    [main] = parse(text).stories
    assert (main.title, main.paragraphs) == ("A Title", ("The body.",))


@pytest.mark.parametrize(
    "text",
    [
        "# newsreader\n\nA terminal newsreader.\n\n## Install\n\npip install newsreader\n",
        "id,title,source\n1,Hello,Reuters\n2,World,Mint\n",
        "Just one line of prose.\n",
    ],
)
def test_text_that_is_not_a_dump_is_refused(text: str) -> None:
    with pytest.raises(DumpError, match="not a newsreader dump"):
        parse(text)
    with pytest.raises(DumpError, match="not a newsreader dump"):
        parse_text(text, "x.txt", AT)


def test_logo_without_a_story_is_refused() -> None:
    with pytest.raises(DumpError, match="no stories"):
        parse("logo\nA Title\nA Title\n")


def test_unrecognised_lines_between_stories_are_reported() -> None:
    lines = [
        "First.",
        "Orange background",
        "Promoted: buy a car",
        *related("T", "Mint", "a day ago", "B."),
    ]
    parsed = parse(dump("A Title", "Reuters2 hours ago", lines))
    assert [story.title for story in parsed.stories] == ["A Title", "T"]
    assert "skipped 1 unrecognised line(s) between the stories" in parsed.warnings


def _seed_cut_after(line_count: int) -> ParsedDump:
    """The seed cut after its first `line_count` lines, each whole."""
    lines = SEED.read_text("utf-8").split("\n")
    return parse("\n".join(lines[:line_count]) + "\n", "cut.txt")


@pytest.mark.parametrize("line_count", [72, 73, 75, 77, 79, 81])
def test_related_story_cut_before_its_body_is_dropped_with_a_warning(line_count: int) -> None:
    parsed = _seed_cut_after(line_count)
    assert len(parsed.stories) == 2
    assert (
        "related story 'Trump Rattles Latin America by Weighing Using Military Force' "
        "cut off before its body: dropped"
    ) in parsed.warnings
    assert "dump ends before the page footer: it may be cut off" in parsed.warnings


def test_dump_cut_after_a_related_body_keeps_it_whole(seed: ParsedDump) -> None:
    parsed = _seed_cut_after(83)
    assert parsed.stories == seed.stories[:3]
    assert parsed.warnings == ("dump ends before the page footer: it may be cut off",)


def test_dump_cut_inside_a_line_drops_that_line(seed: ParsedDump) -> None:
    text = SEED.read_text("utf-8")
    cut = text.index("It remains a long shot.") + 10
    parsed = parse(text[:cut])
    assert parsed.stories[0].paragraphs == seed.stories[0].paragraphs[:1]
    assert "last line 'It remains' cut off: dropped" in parsed.warnings


def test_dump_cut_before_the_source_line_has_no_story() -> None:
    with pytest.raises(DumpError, match="no stories"):
        _seed_cut_after(4)


def test_every_cut_of_the_seed_keeps_only_whole_parts(seed: ParsedDump) -> None:
    text = SEED.read_text("utf-8")
    for cut in range(0, len(text), 97):
        try:
            parsed = parse(text[:cut])
        except DumpError as error:
            assert error.reason in ("empty file", "no stories found") or "not a" in error.reason
            continue
        assert len(parsed.stories) <= len(seed.stories)
        for story, whole in zip(parsed.stories, seed.stories, strict=False):
            assert (story.title, story.source, story.age) == (whole.title, whole.source, whole.age)
            assert set(story.paragraphs) | set(story.captions) <= set(whole.paragraphs) | set(
                whole.captions
            )
            assert set(story.notes) <= set(whole.notes)
        if len(parsed.stories) < len(seed.stories):
            assert any("cut off" in warning for warning in parsed.warnings)


def test_credits_glued_to_the_end_of_a_body_are_split_off() -> None:
    body = [
        "He said so on Friday. With assistance from Maria Eloisa Capurro, Ana de la Cruz and "
        "J. R. Smith. (Reporting by Sam Lee; Editing by Ann Park)"
    ]
    [main] = parse(dump("A Title", "Reuters2 hours ago", body)).stories
    assert main.paragraphs == ("He said so on Friday.",)
    assert main.notes == (
        "With assistance from Maria Eloisa Capurro, Ana de la Cruz and J. R. Smith.",
        "(Reporting by Sam Lee; Editing by Ann Park)",
    )


def test_time_line_age_reads_bare_and_prefixed_ages() -> None:
    from newsreader.dumps.ages import time_line_age

    assert time_line_age("time3 minutes ago") == "3 minutes ago"
    assert time_line_age("3 minutes ago") == "3 minutes ago"
    assert time_line_age("Mint") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_lines_cleaned_at_once_are_the_lines_cleaned_one_by_one(text: str) -> None:
    from newsreader.dumps.text import _lines
    from newsreader.sanitize import clean_line

    one_by_one = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    assert _lines(text) == [line for line in map(clean_line, one_by_one.split("\n")) if line]
