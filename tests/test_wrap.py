"""The reader's word wrap cuts every paragraph exactly where Rich's fold would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from newsreader.ui.widgets.wrap import wrap_lines

CONSOLE = Console(width=200)

# Words of one-cell characters (ASCII, accents, curly quotes, dashes), and a few that are not:
# wide characters, a combining accent, a zero-width joiner, a tab.
ONE_CELL = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789.,;:!?'\"()-éüñßçøÆ’‘“”—–…€ΩЖ"
OTHERS = "漢字テキスト\u0301\u200d\t\u00a0\ufe0f"
SPACES = st.text(" \u00a0", min_size=1, max_size=4)


def rich_lines(text: str, width: int) -> list[str]:
    return [line.plain.rstrip() for line in Text(text).wrap(CONSOLE, width, overflow="fold")]


def paragraphs(alphabet: str) -> st.SearchStrategy[str]:
    word = st.text(alphabet, min_size=1, max_size=30)
    return st.builds(
        lambda lead, pairs: lead + "".join(w + s for w, s in pairs),
        st.sampled_from(["", " ", "   "]),
        st.lists(st.tuples(word, SPACES), max_size=40),
    )


@settings(max_examples=400, deadline=None)
@given(paragraphs(ONE_CELL), st.integers(min_value=1, max_value=90))
def test_one_cell_text_is_cut_as_rich_cuts_it(text: str, width: int) -> None:
    assert wrap_lines(text, width, CONSOLE) == rich_lines(text, width)


@settings(max_examples=200, deadline=None)
@given(paragraphs(ONE_CELL + OTHERS), st.integers(min_value=1, max_value=90))
def test_any_text_is_cut_as_rich_cuts_it(text: str, width: int) -> None:
    assert wrap_lines(text, width, CONSOLE) == rich_lines(text, width)


def test_a_word_longer_than_the_line_is_folded() -> None:
    text = "See https://example.com/" + "a" * 50 + " for more."
    assert wrap_lines(text, 20, CONSOLE) == rich_lines(text, 20)
    assert all(len(line) <= 20 for line in wrap_lines(text, 20, CONSOLE))


def test_blank_and_space_only_text() -> None:
    assert wrap_lines("   ", 10, CONSOLE) == rich_lines("   ", 10) == [""]
