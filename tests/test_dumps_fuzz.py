"""Whatever a user feeds it, the dump parser answers with a dump or a DumpError, never a crash."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.dumps import parse_dump
from newsreader.dumps.ages import published_from_age, split_source_age
from newsreader.dumps.text import parse_text
from newsreader.errors import DumpError
from newsreader.models import ParsedDump, ParsedStory
from newsreader.sanitize import clean_line

SEED = Path(__file__).parent.parent / "seeds" / "000_e213fecfa28b599e.txt"
SEED_LINES = SEED.read_text("utf-8").split("\n")
REAL_PAGES = sorted((Path(__file__).parent / "fixtures" / "wcxb").glob("*.html.gz"))[:6]
AT = datetime(2025, 8, 9, 12, 0, tzinfo=UTC)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the characters that hurt: controls, escapes, bidi marks, markup, line breaks.
NASTY = ["\x1b[2J", "\x1b]0;x\x07", "\u202e", "\r", "\n", "\x00", "[b]", "<p>", "•", " "]
nasty_text = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(NASTY)), max_size=10).map(
    "".join
)
ages = st.builds(
    "{} {}{} ago".format,
    st.sampled_from(["1", "a", "an", "12", "45", "999"]),
    st.sampled_from(["minute", "hour", "day", "week", "month", "year"]),
    st.sampled_from(["", "s"]),
)


def outcome(data: bytes) -> ParsedDump | None:
    """Parse `data`; None if it was refused with a DumpError (any other exception propagates)."""
    try:
        return parse_dump(data, "fuzz.txt", AT)
    except DumpError as error:
        assert error.name == "fuzz.txt" and error.reason
        assert "internal error" not in error.reason  # a reader's bug, turned into a rejection
        return None


def assert_clean(story: ParsedStory) -> None:
    """Every string in `story` is already cleaned: no controls, escapes or line breaks."""
    for text in (story.source, story.age):
        assert text == clean_line(text)
    parts = (*story.authors, *story.paragraphs, *story.captions, *story.notes)
    for text in (story.title, *parts):
        assert text
        assert text == clean_line(text)


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_dump_or_a_dump_error(data: bytes) -> None:
    parsed = outcome(data)
    if parsed is not None:
        assert parsed.stories


@FUZZ
@given(st.text(max_size=3000))
def test_any_text_gives_a_dump_or_a_dump_error(text: str) -> None:
    outcome(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.text(max_size=3000))
def test_parse_text_gives_stories_or_a_dump_error(text: str) -> None:
    try:
        stories, warnings = parse_text(text, "fuzz.txt", AT)
    except DumpError:
        return
    assert all(isinstance(warning, str) for warning in warnings)
    for story in stories:
        assert_clean(story)


@FUZZ
@given(
    st.lists(st.integers(0, len(SEED_LINES) - 1), max_size=12),
    st.lists(st.tuples(st.integers(0, len(SEED_LINES)), nasty_text), max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_mangled_seed_gives_clean_stories_or_a_dump_error(
    dropped: list[int], inserted: list[tuple[int, str]], newline: str
) -> None:
    lines = [line for index, line in enumerate(SEED_LINES) if index not in set(dropped)]
    for index, text in inserted:
        lines.insert(min(index, len(lines)), text)
    parsed = outcome(newline.join(lines).encode("utf-8", "surrogatepass"))
    if parsed is not None:
        for story in parsed.stories:
            assert_clean(story)


@FUZZ
@given(
    title=nasty_text,
    source=nasty_text,
    age=ages,
    body=st.lists(nasty_text, max_size=8),
    related=st.lists(st.tuples(nasty_text, nasty_text, ages, nasty_text), max_size=4),
)
def test_built_dumps_give_clean_stories(
    title: str, source: str, age: str, body: list[str], related: list[tuple[str, ...]]
) -> None:
    lines = ["logo", title, title, f"{source}{age}", *body, "Related Articles"]
    for other_title, other_source, other_age, other_body in related:
        lines += [other_title, other_title, other_source, f"time{other_age}", f"  • {other_source}"]
        lines += [other_title, other_body]
    parsed = outcome("\n".join([*lines, "DOWNLOAD THE APP"]).encode("utf-8", "surrogatepass"))
    if parsed is not None:
        assert parsed.stories[0].role == "main"
        for story in parsed.stories:
            assert_clean(story)


@FUZZ
@given(st.text(max_size=200), ages)
def test_any_line_ending_in_an_age_splits(prefix: str, age: str) -> None:
    line = clean_line(prefix) + age
    split = split_source_age(line)
    assert split is not None
    assert line.endswith(split[1]) and line.startswith(split[0])
    published = published_from_age(split[1], AT)
    # Only an age reaching back past year 1 has no date.
    assert published is not None or int(split[1].split()[0]) > 2000


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(REAL_PAGES),
    st.floats(0.0, 1.0),
    st.lists(st.tuples(st.floats(0.0, 1.0), st.sampled_from([*NASTY, "</div>", "<div>", ""])),
             max_size=6),
    st.floats(0.0, 1.0),
    st.integers(0, 2000),
)  # fmt: skip
def test_real_pages_cut_and_mutated_give_clean_stories_or_a_dump_error(
    path: Path, cut: float, inserts: list[tuple[float, str]], hole: float, hole_size: int
) -> None:
    data = gzip.decompress(path.read_bytes())
    data = data[: max(1, int(len(data) * cut))]
    at = int(len(data) * hole)
    data = data[:at] + data[at + hole_size :]
    for where, text in inserts:
        at = int(len(data) * where)
        data = data[:at] + text.encode() + data[at:]
    parsed = outcome(data)
    if parsed is not None:
        for story in parsed.stories:
            assert_clean(story)
