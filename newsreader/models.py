"""Plain data passed between the parsers, the library and the views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["main", "related"]


@dataclass(frozen=True)
class ParsedStory:
    """One story as a parser found it, before the library gives it an id."""

    title: str
    source: str
    age: str = ""
    published: str | None = None  # ISO 8601 UTC, e.g. "2026-11-25T01:54:27Z"
    authors: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    role: Role = "main"
    url: str | None = None
    captions: tuple[str, ...] = ()  # photo captions, kept out of the paragraphs
    notes: tuple[str, ...] = ()  # syndication lines ("With assistance from …"), out of the body


@dataclass(frozen=True)
class ParsedDump:
    """What a parser returns for one file: its stories in order and what it noticed."""

    name: str  # the file name the dump came from
    stories: tuple[ParsedStory, ...]
    captured_at: str  # ISO 8601 UTC time the page was saved
    digest: str  # hex digest of the normalised text: the same dump always has the same one
    warnings: tuple[str, ...] = field(default=())
    # A feed entry whose text changed: the id of the story it is a new text of ("" if none).
    replaces: str = ""


@dataclass(frozen=True)
class Story:
    """A story in the library: its text, where it came from and how the user has marked it."""

    id: str
    title: str
    source: str
    age: str
    published: str | None
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]
    role: Role
    main_id: str | None
    dump: str
    url: str | None = None
    captions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    read: bool = False
    starred: bool = False
    duplicate_of: str | None = None
    tags: tuple[str, ...] = ()  # its own and those of its subscription and source
