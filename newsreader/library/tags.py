"""Tags: a story's own (the "tags" mark, beside read and starred) and those it inherits.

A story inherits the tags of its subscription (feeds.json: `add --tag`, OPML folders) and of
its source (`newsreader tag --source NAME TAG`, kept as the "tags" mark of `source:NAME`).
Tags are compared folded (any case, any accents); a story's own are one word each.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from newsreader.errors import DamagedLibrary, NewsreaderError
from newsreader.tag_values import clean, with_tag
from newsreader.words import fold

SOURCE_PREFIX = "source:"  # the marks of a source's tags are kept under this id
UNTAGGED = "(untagged)"
_feed_cache: dict[Path, tuple[tuple[int, int, int], dict[str, tuple[str, ...]]]] = {}


class HasTagMarks(Protocol):
    """What reading tags needs of a library (a Library, or a read-only Snapshot)."""

    @property
    def folder(self) -> Path: ...

    @property
    def marks(self) -> Any: ...


class TaggedLibrary(HasTagMarks, Protocol):
    """What tagging one story or source needs of a library."""

    def meta(self, story_id: str) -> Any:
        """The catalog entry of a story (its source and dump)."""
        ...


def source_key(source: str) -> str:
    """The marks id a source's tags are kept under."""
    return SOURCE_PREFIX + fold(source).strip()


def feed_tags(folder: Path, strict: bool = False) -> dict[str, tuple[str, ...]]:
    """Each subscription's key with its tags, folded (read again only when feeds.json changes).

    A damaged feeds.json gives no tags (showing a story must not fail on it; `feeds` and
    `doctor` name the damage) unless `strict`, when its DamagedLibrary is raised.
    """
    from newsreader.library.subscriptions import FILE_NAME, load

    try:
        info = (folder / FILE_NAME).stat()
    except FileNotFoundError:
        return {}
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
    cached = _feed_cache.get(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        subscriptions = load(folder)
    except DamagedLibrary:
        if strict:
            raise
        return {}
    tags = {s.key: tuple(sorted({fold(t).strip() for t in s.tags})) for s in subscriptions}
    _feed_cache[folder] = (stamp, {key: value for key, value in tags.items() if value})
    return _feed_cache[folder][1]


class Tags:
    """Every story's tags, own and inherited, as they are now: made once, asked per story
    (`strict`: see `feed_tags`)."""

    def __init__(self, library: HasTagMarks, strict: bool = False) -> None:
        self.own: dict[str, tuple[str, ...]] = {}
        self.of_source: dict[str, tuple[str, ...]] = {}
        for key, value in library.marks.items("tags"):
            tags = clean(value)
            if not tags:
                continue
            if key.startswith(SOURCE_PREFIX):
                self.of_source[key[len(SOURCE_PREFIX) :]] = tags
            else:
                self.own[key] = tags
        self.of_feed = feed_tags(library.folder, strict)

    def of(self, story_id: str, source: str, dump: str) -> tuple[str, ...]:
        """The tags of one story: its own, its source's and its subscription's."""
        own = self.own.get(story_id, ())
        inherited = self.of_source.get(fold(source).strip(), ()) + self.of_feed.get(dump, ())
        return tuple(sorted({*own, *inherited})) if inherited else own

    def names(self) -> list[str]:
        """Every tag in use, sorted."""
        found = {t for tags in (*self.own.values(), *self.of_source.values()) for t in tags}
        found.update(t for tags in self.of_feed.values() for t in tags)
        return sorted(found)


def tags_of(library: TaggedLibrary, story_id: str) -> tuple[str, ...]:
    """One story's tags, own and inherited."""
    meta = library.meta(story_id)
    own = clean(library.marks.get(story_id, "tags"))
    inherited = clean(library.marks.get(source_key(meta.source), "tags"))
    inherited += feed_tags(library.folder).get(meta.dump, ())
    return tuple(sorted({*own, *inherited}))


def own_tags(library: TaggedLibrary, story_id: str) -> tuple[str, ...]:
    """The tags given to the story itself (those `-` and `untag` can remove)."""
    return clean(library.marks.get(story_id, "tags"))


def tag_source(library: TaggedLibrary, source: str, names: Iterable[str], add: bool) -> list[str]:
    """Add or remove tags of a source (its stories inherit them); the tags it has now."""
    key = source_key(source)
    if key == SOURCE_PREFIX:
        raise NewsreaderError("--source needs a name")
    value: Any = library.marks.get(key, "tags")
    for name in names:
        value = with_tag(value, name, add)
    library.marks.set_many("tags", {key: value})
    return list(clean(value))
