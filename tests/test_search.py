"""The search index on real libraries in tmp_path: every kind of term, against a slow oracle."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.bench.corpus import TRUTH_FILE, generate
from newsreader.errors import WriteFailed
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.catalog import Catalog
from newsreader.library.search_index import segments
from newsreader.models import ParsedDump, ParsedStory
from newsreader.query import parse_query
from newsreader.search.index import ensure_indexed, find
from newsreader.search.phrases import PhraseCheck
from newsreader.words import PhraseMatcher, has_phrase, words

from .conftest import CAPTURED, SEEDS

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def dump(name: str, *stories: ParsedStory) -> ParsedDump:
    digest = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
    return ParsedDump(name, stories, "2026-11-20T12:00:00Z", digest)


def story(title: str, *paragraphs: str, source: str = "Mint", published: str = "") -> ParsedStory:
    return ParsedStory(
        title, source, "1 hour ago", published or "2026-11-20T11:00:00Z", (), paragraphs
    )


HAND_MADE = [
    dump(
        "a.txt",
        story("Café owners meet the Prime Minister", "A talk about naïve pricing.", source="Mint"),
        story("Court rules on trade", "The court said the trade deal stands.", source="The Hindu"),
    ),
    dump(
        "b.txt",
        story(
            "Markets fall",
            "Prices of tea and coffee rose.",
            "The prime minister spoke later.",
            source="Times of India",
            published="2026-11-18T09:00:00Z",
        ),
    ),
]


def titles(library: Library, text: str) -> list[str]:
    return [library.meta(sid).title for sid in find(library, parse_query(text, NOW)).ids]


def oracle(library: Library, text: str) -> list[str]:
    """What the query matches, found the slow way: every story read and checked."""
    query = parse_query(text, NOW)
    found = []
    for meta in library.stories:
        full = library.story(meta.id)
        if query.matches_text(full.title, full.paragraphs) and query.matches_meta(
            meta, library.is_read(meta.id), library.is_starred(meta.id)
        ):
            found.append(meta.id)
    return found


@pytest.fixture
def made(library_path: Path) -> Iterator[Library]:
    library = Library(library_path)
    library.import_dumps(HAND_MADE)
    yield library
    library.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = generate(tmp_path_factory.mktemp("corpus"), 300, seed=3)
    (folder / TRUTH_FILE).unlink()
    return folder


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    folder = tmp_path_factory.mktemp("big") / "library"
    library = Library(folder)
    import_paths(library, [SEEDS, corpus], CAPTURED)
    library.close()
    return folder


@pytest.fixture
def big(big_folder: Path, tmp_path: Path) -> Iterator[Library]:
    """The seeds and 300 generated stories, in a copy of their own."""
    library = Library(Path(shutil.copytree(big_folder, tmp_path / "big")))
    yield library
    library.close()


def test_words_match_title_and_body(made: Library) -> None:
    assert titles(made, "court") == ["Court rules on trade"]
    assert titles(made, "coffee") == ["Markets fall"]


def test_words_ignore_case_and_accents(made: Library) -> None:
    assert titles(made, "CAFE") == ["Café owners meet the Prime Minister"]
    assert titles(made, "naive") == titles(made, "naïve") == titles(made, "CAFE")


def test_every_word_is_needed(made: Library) -> None:
    assert titles(made, "prime coffee") == ["Markets fall"]
    assert titles(made, "prime xyzzy") == []


def test_phrase(made: Library) -> None:
    assert titles(made, '"prime minister"') == [
        "Café owners meet the Prime Minister",
        "Markets fall",
    ]
    assert titles(made, '"minister prime"') == []
    assert titles(made, '"the court said"') == ["Court rules on trade"]


def test_excluded_word_and_phrase(made: Library) -> None:
    assert titles(made, "prime -coffee") == ["Café owners meet the Prime Minister"]
    assert titles(made, '-"prime minister"') == ["Court rules on trade"]
    assert titles(made, '-"minister prime"') == [s.title for s in made.stories]


def test_source(made: Library) -> None:
    assert titles(made, "source:hindu") == ["Court rules on trade"]
    assert titles(made, 'source:"times of india"') == ["Markets fall"]
    assert titles(made, "-source:mint") == ["Court rules on trade", "Markets fall"]


def test_dates(made: Library) -> None:
    assert titles(made, "@2026-11-18") == ["Markets fall"]
    assert titles(made, "@1-day-ago") == [
        "Café owners meet the Prime Minister",
        "Court rules on trade",
    ]
    assert titles(made, "@2026-11-17--2026-11-18 prime") == ["Markets fall"]


def test_flags(made: Library) -> None:
    court = find(made, parse_query("court", NOW)).ids
    made.set_read(court)
    made.set_starred(court)
    assert titles(made, "read") == ["Court rules on trade"]
    assert titles(made, "unread") == ["Café owners meet the Prime Minister", "Markets fall"]
    assert titles(made, "starred -source:hindu") == []
    assert titles(made, "-starred prime") == titles(made, "prime")


def test_empty_query_is_every_story_in_library_order(made: Library) -> None:
    assert find(made, parse_query("", NOW)).ids == [s.id for s in made.stories]


QUERIES = [
    "trump",
    "the",
    '"vladimir putin"',
    "police court",
    '"the court"',
    "minister -police",
    '-"the court" unread',
    "source:mint",
    "-source:reuters minister",
    "@2026-11-20 -the",
    "xyzzy",
    "trade deal -starred",
]


def test_index_agrees_with_reading_every_story(big: Library) -> None:
    big.set_read([s.id for s in big.stories[::3]])
    big.set_starred([s.id for s in big.stories[::7]])
    for text in QUERIES:
        assert find(big, parse_query(text, NOW)).ids == oracle(big, text), text


def test_hidden_duplicates_are_found_too(big: Library) -> None:
    hidden = next(s for s in big.stories if big.duplicate_of(s.id))
    assert hidden.id in find(big, parse_query(f'"{hidden.title}"', NOW)).ids


def test_importing_again_changes_nothing(big: Library, corpus: Path) -> None:
    before = sorted((big.folder / "search").iterdir())
    found = find(big, parse_query("minister", NOW)).ids
    import_paths(big, [corpus], CAPTURED)
    assert find(big, parse_query("minister", NOW)).ids == found
    assert sorted((big.folder / "search").iterdir()) == before


def test_an_import_that_never_committed_is_not_found(
    made: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = dump("c.txt", story("Zebras escape", "The zoo is empty."))

    def crash(self: Catalog, dumps: object, reload: bool = True) -> None:
        raise OSError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(Catalog, "commit", crash)
        with pytest.raises(WriteFailed):  # the failed write, named, as the user is told
            made.import_dumps([extra])
    assert len(segments.segment_names(made.folder)) == 2  # the stray segment is on disk
    assert titles(made, "zebras") == []
    made.import_dumps([extra])
    assert titles(made, "zebras") == ["Zebras escape"]
    assert len(segments.segment_names(made.folder)) == 2  # the stray one tidied away


def test_small_segments_merge(library_path: Path) -> None:
    library = Library(library_path)
    for number in range(9):
        library.import_dumps([dump(f"{number}.txt", story(f"Story {number}", f"word{number}"))])
    assert len(segments.segment_names(library.folder)) < 9
    assert titles(library, "word3") == ["Story 3"]
    assert len(find(library, parse_query("story", NOW)).ids) == 9
    library.close()


def test_a_library_without_an_index_gets_one(made: Library) -> None:
    for path in (made.folder / "search").iterdir():
        path.unlink()
    assert titles(made, "coffee") == ["Markets fall"]
    assert ensure_indexed(made) == 0


def test_index_files_are_plain_numpy(big: Library) -> None:
    for path in (big.folder / "search").iterdir():
        assert path.suffix == ".npy"
        np.load(path, allow_pickle=False)


def test_a_deadline_cuts_phrase_checking_short(big: Library) -> None:
    query = parse_query('"the court"', NOW)
    cut = find(big, query, seconds=0)
    assert not cut.complete
    assert set(cut.ids) <= set(find(big, query).ids)
    assert find(big, parse_query("court", NOW), seconds=0).complete


def count_phrase_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The position of every story whose text a phrase check reads from now on, in order."""
    checked: list[int] = []
    passes = PhraseCheck.passes

    def counted(check: PhraseCheck, position: int) -> bool:
        checked.append(position)
        return passes(check, position)

    monkeypatch.setattr(PhraseCheck, "passes", counted)
    return checked


def test_a_search_cut_short_goes_on_where_it_stopped(
    big: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = count_phrase_checks(monkeypatch)
    query = parse_query('"the court"', NOW)
    cut = find(big, query, seconds=0)
    first = len(checked)
    whole = find(big, query)
    assert not cut.complete and whole.complete and set(cut.ids) <= set(whole.ids)
    assert len(checked) == len(set(checked)) > first  # no story read twice
    checked.clear()
    assert find(big, parse_query('"the court" unread', NOW)).ids == whole.ids
    assert checked == []  # the same phrases: their verdicts are known


def test_phrase_verdicts_are_not_kept_past_an_import(made: Library) -> None:
    query = parse_query('"prime minister"', NOW)
    assert len(find(made, query).ids) == 2
    made.import_dumps([dump("c.txt", story("The Prime Minister visits", "Talks on tea."))])
    assert len(find(made, query).ids) == 3


TEXT = st.text(alphabet=st.sampled_from("ab cé-’.É_1ÅﬁẞΣ\n"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(0, 10), st.integers(1, 3))
def test_phrase_matcher_agrees_with_splitting(text: str, start: int, length: int) -> None:
    found = words(text)
    phrase = found[start : start + length] or ["ab"]
    assert PhraseMatcher(phrase)(text) == has_phrase(found, phrase)


def test_search_query_and_export_never_import_textual() -> None:
    code = (
        "import sys, newsreader.query, newsreader.search.index, newsreader.export\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.lists(st.text(max_size=200), max_size=4))
def test_story_terms_are_what_a_segment_would_index(title: str, paragraphs: list[str]) -> None:
    from newsreader import words as tokens

    tokens._CACHED_TOKENS = 50  # forgetting along the way must not change an answer
    try:
        ahead = tokens.story_terms(title, paragraphs)
    finally:
        tokens._CACHED_TOKENS = 500_000
    # What a query looks for: every word of the story, as `words` splits and folds it.
    found = tokens.words("\n".join((title, *paragraphs)))
    expected = sorted({tokens.word_key(word) << tokens.DOC_BITS for word in found})
    assert ahead.tolist() == expected


def test_story_terms_split_at_quote_marks_and_dashes_as_words_does() -> None:
    from newsreader import words as tokens

    title = "Trump’s “deal” — Café’s «menu»…"
    paragraphs = ["It’s ‘done’–said the naïve CEO • ﬁnal", "O’Brien’s ÉCOLE 12,5 km"]
    found = tokens.words("\n".join((title, *paragraphs)))
    assert {"trump", "s", "cafe", "naive", "final", "obrien"} - set(found) == {"obrien"}
    expected = sorted({tokens.word_key(word) << tokens.DOC_BITS for word in found})
    assert tokens.story_terms(title, paragraphs).tolist() == expected
