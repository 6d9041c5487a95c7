"""`title:` from the catalog's folded-title column: the same answers as folding each title."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.library import Library
from newsreader.library.titles import folded_title, holding, title_block
from newsreader.models import ParsedDump, ParsedStory
from newsreader.query import Query, Terms, parse_query
from newsreader.search.index import find
from newsreader.snapshot import Snapshot
from newsreader.words import fold

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# Titles as feeds and pages give them: accents, case, quotes straight and curly, ligatures,
# full-width forms, letters that casefold to two, scripts without case, emoji, odd spaces.
PIECES = [
    "Café",
    "CAFE",
    "café",
    "Cafe\u0301",
    "naïve",
    "NAÏVE",
    '"Minister"',
    "“minister”",
    "‘Live’ blog",
    "Live blog:",
    "O'Brien",
    "O’Brien",
    "ﬁnal",
    "FINAL",
    "Ｆｉｎａｌ",
    "Straße",
    "STRASSE",
    "İstanbul",
    "Ελλάδα",
    "ΕΛΛΆΔΑ",
    "日本の首相",
    "🙂 news",
    "U.S.",
    "Trump’s",
    "a\u00a0b",
    "tab\there",
    "—",
    "x",
    "",
]
WORDS = ["prime", "minister", "trade", "deal", "court", "review", "the", "a", "live"]


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(PIECES + WORDS) for _ in range(rng.randint(0, 6)))


def _dump(name: str, titles: list[str]) -> ParsedDump:
    digest = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
    stories = tuple(
        ParsedStory(title, "Mint", "1 hour ago", "2026-11-20T11:00:00Z", (), (f"body {n}",))
        for n, title in enumerate(titles)
    )
    return ParsedDump(name, stories, "2026-11-20T12:00:00Z", digest)


def _terms(rng: random.Random, titles: list[str]) -> list[str]:
    """Folded terms: pieces, words, and random slices of folded titles."""
    terms = [fold(piece).strip() for piece in PIECES + WORDS]
    for title in rng.sample(titles, 60):
        folded = fold(title)
        if folded:
            start = rng.randrange(len(folded))
            terms.append(folded[start : start + rng.randint(1, 12)])
    return [t for t in dict.fromkeys(terms) if t]


Words = tuple[str, ...]


def _slow(library: Library | Snapshot, include: Words, exclude: Words) -> list[str]:
    """The stories matching, by folding each story's title (what `title:` is defined as)."""
    query = Query(include=Terms(titles=include), exclude=Terms(titles=exclude))
    return [m.id for m in library.catalog.stories if query.matches_meta(m, False, False)]


def _fast(library: Library | Snapshot, include: Words, exclude: Words) -> list[str]:
    query = Query(include=Terms(titles=include), exclude=Terms(titles=exclude))
    return list(find(library, query).ids)


def test_title_terms_answer_as_folding_each_title_does(library_path: Path) -> None:
    rng = random.Random(7)
    library = Library(library_path)
    made: list[str] = []
    for number in range(6):  # several imports: several catalog segments
        titles = [_title(rng) for _ in range(rng.randint(1, 60))]
        made += titles
        library.import_dumps([_dump(f"d{number}-{n}.txt", titles[n::3]) for n in range(3)])
    terms = _terms(rng, made)
    again = Library(library_path)  # its columns read from the segments' caches
    snapshot = Snapshot.read(library_path)
    for opened in (library, again, snapshot):
        assert opened.catalog.stories.titles is not None
        for term in terms:
            for include, exclude in [((term,), ()), ((), (term,))]:
                assert _fast(opened, include, exclude) == _slow(opened, include, exclude), term
        for _ in range(40):
            include = tuple(rng.sample(terms, rng.randint(0, 2)))
            exclude = tuple(rng.sample(terms, rng.randint(0, 2)))
            assert _fast(opened, include, exclude) == _slow(opened, include, exclude)
    again.close()
    library.close()


def test_title_terms_typed_in_a_query(library_path: Path) -> None:
    library = Library(library_path)
    titles = ["“Minister” quits", 'The "minister" returns', "Café MINISTER", "Ministry news"]
    library.import_dumps([_dump("a.txt", titles)])

    def found(text: str) -> list[str]:
        ids = find(library, parse_query(text, NOW)).ids
        return [library.meta(sid).title for sid in ids]

    assert found("title:minister") == titles[:3]
    assert found('title:"“minister”"') == titles[:1]
    assert found("title:MINISTR") == titles[3:]
    assert found("title:ministers") == []
    assert found("title:cafe -title:quits") == titles[2:3]
    assert found("title:ministry news") == titles[3:4]  # `news` a word, in the body or title
    assert found("title:é") == titles  # é folds to e, which each title holds
    assert found("title:caf\u00e9") == found("title:CAFE") == titles[2:3]
    library.import_dumps([_dump("b.txt", ["Minister again"])])
    assert found("title:minister") == [*titles[:3], "Minister again"]
    library.close()


def test_a_term_holding_nul_is_answered_story_by_story(library_path: Path) -> None:
    library = Library(library_path)
    library.import_dumps([_dump("a.txt", ["one", "two"])])
    assert _fast(library, ("o\0",), ()) == [] == _slow(library, ("o\0",), ())
    assert len(_fast(library, (), ("o\0",))) == 2
    library.close()


@settings(max_examples=300, deadline=None)
@given(
    titles=st.lists(st.text(max_size=30), max_size=20),
    term=st.text(min_size=1, max_size=6),
    pick=st.integers(min_value=0),
)
def test_the_block_finds_what_in_finds(titles: list[str], term: str, pick: int) -> None:
    folded = [folded_title(title) for title in titles]
    if folded and pick % 2:  # half the time a piece of a title, so that there are matches
        source = folded[pick % len(folded)].decode("utf-8", "surrogatepass")
        term = source[pick % (len(source) or 1) :][: 1 + pick % 5] or term
    wanted = term.encode("utf-8", "surrogatepass")
    blob, ends = title_block(folded)
    expected = [b"\0" not in wanted and wanted in text for text in folded]
    if b"\0" not in wanted:
        assert holding(blob, ends, wanted).tolist() == expected
        assert [term in fold(title) for title in titles] == expected


def test_an_empty_block_holds_nothing() -> None:
    blob, ends = title_block([])
    assert holding(blob, ends, b"a").size == 0
    blob, ends = title_block([b"", b"ab"])
    assert holding(blob, ends, b"").tolist() == [True, True]
    assert holding(blob, ends, b"b").tolist() == [False, True]
    assert np.array_equal(ends, [0, 3])
