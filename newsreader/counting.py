"""Numbers said with their nouns, in the singular for one: '1 story', '3 stories'."""

from __future__ import annotations


def count(number: int, word: str, words: str | None = None) -> str:
    """`number` and its noun: '1 story', '2 stories'; `words` is the plural if not word + s."""
    return f"{number} {word}" if number == 1 else f"{number} {words or word + 's'}"


def stories(number: int) -> str:
    """'1 story', '2 stories'."""
    return count(number, "story", "stories")


def short(title: str, width: int = 48) -> str:
    """A title cut to `width` characters for a notification."""
    return title if len(title) <= width else title[: width - 1] + "…"
