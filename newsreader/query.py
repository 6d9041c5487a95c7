"""The search and filter language: words, "phrases", source:, feed:, title:, flags, @dates.

    trump "peace deal" source:mint unread -starred @2-days-ago -source:"times of india"

Every term must hold (they AND together); a leading `-` turns a term into an exclusion.
Words and phrases match a story's title and body whole-word, ignoring case and accents.
`source:x` matches a source containing x; `feed:x` the stories of a subscription whose name or
URL contains x (no dump's story); `title:x` a title containing x; `tag:x` the stories tagged x,
by themselves or through their subscription or source. `@2-days-ago` keeps stories
published at or after that moment, `@2026-11-01` that day, `@2026-11-01--2026-11-20` that
range of days (inclusive; either end may also be relative, e.g. `@2-weeks-ago--1-week-ago`).
Dates are read in the time zone of the `now` given to `parse_query`. To search for the word
"read", quote it: `"read"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from newsreader.errors import QueryError
from newsreader.when import parse_published
from newsreader.words import fold, has_phrase, words

FLAGS = {"read": ("read", True), "unread": ("read", False), "starred": ("starred", True)}
_UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}
_RELATIVE = re.compile(r"([0-9]{1,6})-(minute|hour|day|week|month|year)s?-ago")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_HELP = "use e.g. @2026-11-20, @2-days-ago or @2026-11-01--2026-11-20"


class HasMeta(Protocol):
    """What `Query.matches_meta` reads of a story (StoryMeta and Story both have it)."""

    @property
    def title(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def published(self) -> str | None: ...


@dataclass(frozen=True)
class DateRange:
    """Published at or after `start` and before `end`; None leaves that side open."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, when: datetime) -> bool:
        """Whether `when` falls in the range."""
        return (self.start is None or when >= self.start) and (self.end is None or when < self.end)


@dataclass(frozen=True)
class Terms:
    """Text and metadata terms of one kind (all required, or all excluded)."""

    words: tuple[str, ...] = ()  # folded single words
    phrases: tuple[tuple[str, ...], ...] = ()  # folded word sequences of two or more words
    sources: tuple[str, ...] = ()  # folded substrings of the source
    feeds: tuple[str, ...] = ()  # folded substrings of a subscription's name or URL
    titles: tuple[str, ...] = ()  # folded substrings of the title
    tags: tuple[str, ...] = ()  # folded tag names, whole
    dates: tuple[DateRange, ...] = ()

    @property
    def has_text(self) -> bool:
        """Whether there are words or phrases (which only the search index can answer fast)."""
        return bool(self.words or self.phrases)


@dataclass(frozen=True)
class Query:
    """A parsed query: what a story must have (`include`), must not (`exclude`), and flags."""

    text: str = ""
    include: Terms = field(default_factory=Terms)
    exclude: Terms = field(default_factory=Terms)
    read: bool | None = None  # True: read only, False: unread only, None: either
    starred: bool | None = None

    @property
    def is_empty(self) -> bool:
        """True when the query matches every story."""
        return self == Query(text=self.text)

    def matches_meta(self, story: HasMeta, read: bool, starred: bool) -> bool:
        """Whether the story passes the source, date and flag terms (words are not checked)."""
        if self.read is not None and read != self.read:
            return False
        if self.starred is not None and starred != self.starred:
            return False
        source = fold(story.source)
        if not all(s in source for s in self.include.sources):
            return False
        if any(s in source for s in self.exclude.sources):
            return False
        if self.include.titles or self.exclude.titles:
            title = fold(story.title)
            if not all(t in title for t in self.include.titles):
                return False
            if any(t in title for t in self.exclude.titles):
                return False
        if self.include.dates or self.exclude.dates:
            when = parse_published(story.published)
            if self.include.dates and (
                when is None or not all(r.contains(when) for r in self.include.dates)
            ):
                return False
            if when is not None and any(r.contains(when) for r in self.exclude.dates):
                return False
        return True

    def matches_text(self, title: str, paragraphs: Sequence[str]) -> bool:
        """Whether the title and body pass the word and phrase terms (the slow, exact way)."""
        found = words("\n".join((title, *paragraphs)))
        present = set(found)
        if not all(w in present for w in self.include.words):
            return False
        if any(w in present for w in self.exclude.words):
            return False
        if not all(has_phrase(found, p) for p in self.include.phrases):
            return False
        return not any(has_phrase(found, p) for p in self.exclude.phrases)


def _lex(text: str) -> Iterator[tuple[bool, list[tuple[str, bool]]]]:
    """Split `text` into terms, shell-like: (negated, [(piece, quoted), ...]) per term."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        i += negated
        pieces: list[tuple[str, bool]] = []
        while i < n and not text[i].isspace():
            if text[i] == '"':
                close = text.find('"', i + 1)
                if close < 0:
                    raise QueryError(f"unclosed quote in {text[i:]!r}")
                pieces.append((text[i + 1 : close], True))
                i = close + 1
            else:
                start = i
                while i < n and not text[i].isspace() and text[i] != '"':
                    i += 1
                pieces.append((text[start:i], False))
        yield negated, pieces


def _point(text: str, now: datetime, end: bool) -> datetime:
    """One end of a date term: the start of a day (or of the next one, for an end) or now - N."""
    relative = _RELATIVE.fullmatch(text)
    if relative:
        count, unit = int(relative[1]), relative[2]
        try:
            return now - count * _UNITS[unit]
        except OverflowError:
            raise QueryError(f"date too far back: @{text}") from None
    if _DAY.fullmatch(text):
        try:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=now.tzinfo)
            return day + timedelta(days=1) if end else day
        except (ValueError, OverflowError):
            pass
    raise QueryError(f"not a date: @{text} ({_DATE_HELP})")


def _date_range(text: str, now: datetime) -> DateRange:
    if "--" in text:
        first, _, last = text.partition("--")
        start, end = _point(first, now, end=False), _point(last, now, end=True)
        if end <= start:
            raise QueryError(f"date range ends before it starts: @{text}")
        return DateRange(start, end)
    if _DAY.fullmatch(text):
        return DateRange(_point(text, now, end=False), _point(text, now, end=True))
    return DateRange(_point(text, now, end=False), None)


class _Collected:
    """Terms gathered while parsing, before they are frozen into `Terms`."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.phrases: list[tuple[str, ...]] = []
        self.sources: list[str] = []
        self.feeds: list[str] = []
        self.titles: list[str] = []
        self.tags: list[str] = []
        self.dates: list[DateRange] = []

    def freeze(self) -> Terms:
        """The terms, each once, in the order given."""
        return Terms(
            words=tuple(dict.fromkeys(self.words)),
            phrases=tuple(dict.fromkeys(self.phrases)),
            sources=tuple(dict.fromkeys(self.sources)),
            feeds=tuple(dict.fromkeys(self.feeds)),
            titles=tuple(dict.fromkeys(self.titles)),
            tags=tuple(dict.fromkeys(self.tags)),
            dates=tuple(dict.fromkeys(self.dates)),
        )


def parse_query(text: str, now: datetime) -> Query:
    """Parse `text`; QueryError says what is wrong. `now` (aware) anchors relative dates."""
    if now.tzinfo is None:
        raise QueryError("parse_query needs an aware `now` (with a time zone)")
    include, exclude = _Collected(), _Collected()
    flags: dict[str, bool] = {}
    for negated, pieces in _lex(text):
        into = exclude if negated else include
        head, head_quoted = pieces[0]
        whole = "".join(piece for piece, _ in pieces)
        if not head_quoted and head.lower().startswith("source:"):
            name = fold(whole[len("source:") :]).strip()
            if not name:
                raise QueryError('source: needs a name, e.g. source:mint or source:"the hindu"')
            into.sources.append(name)
        elif not head_quoted and head.lower().startswith("feed:"):
            name = fold(whole[len("feed:") :]).strip()
            if not name:
                raise QueryError('feed: needs a name, e.g. feed:guardian or feed:"ars technica"')
            into.feeds.append(name)
        elif not head_quoted and head.lower().startswith("title:"):
            name = fold(whole[len("title:") :]).strip()
            if not name:
                raise QueryError('title: needs words, e.g. title:review or title:"live blog"')
            into.titles.append(name)
        elif not head_quoted and head.lower().startswith("tag:"):
            name = fold(whole[len("tag:") :]).strip()
            if not name:
                raise QueryError("tag: needs a name, e.g. tag:money or -tag:sport")
            into.tags.append(name)
        elif len(pieces) == 1 and not head_quoted and head.lower() in FLAGS:
            flag, value = FLAGS[head.lower()]
            value = value != negated
            if flags.setdefault(flag, value) != value:
                both = "read and unread" if flag == "read" else "starred and not starred"
                raise QueryError(f"the query asks for stories both {both}")
        elif not head_quoted and head.startswith("@"):
            if len(pieces) > 1:
                raise QueryError(f"not a date: {whole!r} ({_DATE_HELP})")
            into.dates.append(_date_range(head[1:].lower(), now))
        else:
            found = tuple(words(whole))
            if len(found) == 1:
                into.words.append(found[0])
            elif found:
                into.phrases.append(found)
    return Query(
        text=text,
        include=include.freeze(),
        exclude=exclude.freeze(),
        read=flags.get("read"),
        starred=flags.get("starred"),
    )
