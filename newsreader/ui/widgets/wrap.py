"""Word wrapping for the reader: Rich's wrap, made cheap for text whose characters are one cell.

Rich's `Text.wrap` builds a Text, its spans and a Lines for every paragraph; for a story that
is most of what opening it costs. Text in which every character takes one cell (nearly all
news text, accents and curly quotes included) is cut here by the same rule on plain strings;
any other text (wide characters, combining marks, tabs) goes through Rich itself.
"""

from __future__ import annotations

import re
from itertools import pairwise

from rich.cells import chop_cells, get_character_cell_size
from rich.console import Console
from rich.text import Text

_WORD = re.compile(r"\s*\S+\s*")  # a word and the spaces after it, as Rich divides a line


def wrap_lines(text: str, width: int, console: Console) -> list[str]:
    """`text` cut into lines of at most `width` cells as Rich folds it, trailing spaces dropped."""
    if _one_cell_each(text):
        lines = _wrap_one_cell(text, width)
        if lines is not None:
            return lines
    return [line.plain.rstrip() for line in Text(text).wrap(console, width, overflow="fold")]


def _one_cell_each(text: str) -> bool:
    # Then a string's cells are its length: Rich counts zero-width joiners and variation
    # selectors specially, but they are not one cell and so never get here.
    if text.isascii():
        return text.isprintable()
    return all(get_character_cell_size(character) == 1 for character in set(text))


def _wrap_one_cell(text: str, width: int) -> list[str] | None:
    """Rich's `divide_line` with fold, for text whose every character is one cell."""
    breaks = [0]
    used = 0  # cells taken on the line being filled
    for match in _WORD.finditer(text):
        start = match.start()
        word = match.group()
        length = len(word.rstrip())
        if width - used >= length:
            used += len(word)
        elif length > width:  # longer than a line: folded across lines
            pieces = chop_cells(word, width)
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            used = len(pieces[-1])
        elif used and start:
            breaks.append(start)
            used = len(word)
    breaks.append(len(text))
    lines = [text[begin:end].rstrip() for begin, end in pairwise(breaks)]
    if any(len(line) > width for line in lines):
        return None  # not expected; Rich then decides
    return lines
