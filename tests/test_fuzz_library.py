"""Fuzzing what the library reads back: its mark log, its JSON files, and search queries."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.errors import NewsreaderError
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.marks import MarkState

from .conftest import CAPTURED, SEEDS

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=20,
)
# Log-like lines: records with the right keys but any values, mixed with noise.
log_lines = st.one_of(
    st.binary(max_size=60),
    st.fixed_dictionaries(
        {"id": json_values, "f": st.sampled_from(["read", "starred", "group", "x"]) | json_values},
        optional={"v": json_values, "t": json_values, "o": json_values},
    ).map(orjson.dumps),
)


@pytest.fixture(scope="module")
def seeded_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A library with the seed dump and two marks, to be copied by each example."""
    folder = tmp_path_factory.mktemp("fuzz") / "library"
    library = Library(folder)
    import_paths(library, [SEEDS], CAPTURED)
    ids = [s.id for s in library.stories]
    library.set_starred([ids[0]], True)
    library.set_read([ids[1]], True)
    library.close()
    yield folder


def fresh(seeded: Path) -> Path:
    """A private copy of the seeded library."""
    target = Path(tempfile.mkdtemp()) / "library"
    shutil.copytree(seeded, target)
    return target


@FUZZ
@given(noise=st.lists(log_lines, max_size=6), newline=st.booleans())
def test_appended_bytes_never_break_the_log(
    seeded_copy: Path, noise: list[bytes], newline: bool
) -> None:
    folder = fresh(seeded_copy)
    try:
        first = Library(folder)
        starred, read = first.stories[0].id, first.stories[1].id
        with (folder / "marks.log").open("ab") as log:
            log.write(b"\n".join(noise) + (b"\n" if newline else b""))
        again = Library(folder)  # opens, whatever was appended
        assert again.is_starred(starred) and again.is_read(read)
        again.set_starred([read], True)  # a mark after the noise is not lost in it
        assert Library(folder).is_starred(read)
        again.marks.compact()
        assert Library(folder).is_starred(starred)
    finally:
        shutil.rmtree(folder.parent)


@FUZZ
@given(data=st.binary(max_size=200), at=st.integers(min_value=0, max_value=400))
def test_overwritten_log_bytes_open_or_fail_cleanly(
    seeded_copy: Path, data: bytes, at: int
) -> None:
    folder = fresh(seeded_copy)
    try:
        raw = (folder / "marks.log").read_bytes()
        at = min(at, len(raw))
        (folder / "marks.log").write_bytes(raw[:at] + data + raw[at + len(data) :])
        MarkState(folder)  # nothing but whole records is ever read: no error at all
    finally:
        shutil.rmtree(folder.parent)


@FUZZ
@given(
    name=st.sampled_from(["library.json", "marks.json"]),
    content=st.one_of(st.binary(max_size=80), json_values.map(orjson.dumps)),
)
def test_any_library_file_content_opens_or_fails_with_our_error(
    seeded_copy: Path, name: str, content: bytes
) -> None:
    folder = fresh(seeded_copy)
    try:
        (folder / name).write_bytes(content)
        try:
            library = Library(folder)
            for meta in library.stories:
                library.story(meta.id)
            library.counts()
        except NewsreaderError:
            assert (folder / name).read_bytes() == content  # a damaged file is left as it is
    finally:
        shutil.rmtree(folder.parent)


@FUZZ
@given(tables=st.dictionaries(st.sampled_from(["dumps", "_meta", "x"]), json_values))
def test_tinydb_shaped_nonsense_opens_or_fails_with_our_error(
    seeded_copy: Path, tables: dict[str, object]
) -> None:
    folder = fresh(seeded_copy)
    try:
        data = orjson.loads((folder / "library.json").read_bytes())
        data.update({k: {"1": v} if k != "x" else v for k, v in tables.items()})
        (folder / "library.json").write_bytes(orjson.dumps(data))
        try:
            library = Library(folder)
            for meta in library.stories:
                library.story(meta.id)
        except NewsreaderError:
            pass
    finally:
        shutil.rmtree(folder.parent)


QUERY_WORDS = ["source:", "@", "-", '"', "read", "unread", "starred", "--", "days-ago", "2026-"]
queries = st.lists(st.one_of(st.text(max_size=10), st.sampled_from(QUERY_WORDS)), max_size=8).map(
    " ".join
)


@pytest.mark.skipif(
    importlib.util.find_spec("newsreader.query") is None, reason="no query language yet"
)
@FUZZ
@given(text=queries)
def test_any_query_parses_or_fails_with_our_error(seeded_copy: Path, text: str) -> None:
    from newsreader.query import parse_query

    try:
        query = parse_query(text, NOW)
    except NewsreaderError:
        return
    library = Library(seeded_copy)
    for meta in library.stories:
        query.matches_meta(meta, library.is_read(meta.id), library.is_starred(meta.id))
        story = library.story(meta.id)
        query.matches_text(story.title, story.paragraphs)
