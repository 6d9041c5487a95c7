"""The subscriptions of a library: `feeds.json` in its folder, replaced atomically on change.

Each subscription keeps its `key` (the URL it was first added with, which names its stories
for ever) apart from its `url` (where it is fetched now: a permanent redirect changes it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import orjson

from newsreader.errors import DamagedLibrary
from newsreader.storage import locked, make_private_folder, read_json, write_atomic

FILE_NAME = "feeds.json"


@dataclass
class Subscription:
    """One feed: where it is, what it is called, and how its last fetches went."""

    url: str
    key: str = ""
    title: str = ""  # the feed's own title, as last fetched
    name: str = ""  # the user's name for it (an OPML title, or a rename): wins over `title`
    tags: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    last_fetch: str | None = None  # ISO 8601 UTC of the last attempt
    outcome: str = "never fetched"  # "ok: N new", "unchanged", or the reason it failed
    failures: int = 0  # failed fetches in a row
    next_attempt: str | None = None  # not fetched before this (backoff or Retry-After)
    full_text: bool = False  # read each new entry's linked page for its whole text

    def __post_init__(self) -> None:
        if not self.key:
            self.key = self.url

    @property
    def display_name(self) -> str:
        """What the user calls the feed: their name, else its own title, else its URL."""
        return self.name or self.title or self.url


def load(folder: Path) -> list[Subscription]:
    """The subscriptions stored in `folder` (none when there is no file yet)."""
    path = folder / FILE_NAME
    data = read_json(path)
    if data is None:
        return []
    items = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DamagedLibrary(path, "not a subscriptions file (no list of feeds)")
    known = {f.name for f in fields(Subscription)}
    result: list[Subscription] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise DamagedLibrary(path, "a subscription without a URL")
        try:
            result.append(Subscription(**{k: v for k, v in item.items() if k in known}))
        except TypeError as error:
            raise DamagedLibrary(path, f"a subscription of the wrong shape ({error})") from None
    return result


def save(folder: Path, subscriptions: list[Subscription]) -> None:
    """Replace the subscriptions file with `subscriptions`, atomically and durably."""
    make_private_folder(folder)
    data = {"version": 1, "feeds": [asdict(s) for s in subscriptions]}
    write_atomic(folder / FILE_NAME, orjson.dumps(data, option=orjson.OPT_INDENT_2))


@contextlib.contextmanager
def editing(folder: Path) -> Iterator[list[Subscription]]:
    """The subscriptions, locked against other processes, saved when the block ends cleanly."""
    make_private_folder(folder)
    with locked(folder / "feeds.lock"):
        subscriptions = load(folder)
        yield subscriptions
        save(folder, subscriptions)


def find(subscriptions: list[Subscription], text: str) -> list[Subscription]:
    """The subscriptions whose URL, key or name is `text` (names compared without case)."""
    wanted = text.strip()
    by_url = [s for s in subscriptions if wanted in (s.url, s.key)]
    if by_url:
        return by_url
    folded = wanted.casefold()
    return [s for s in subscriptions if folded in (s.name.casefold(), s.title.casefold())]


def feed_names(folder: Path) -> dict[str, list[str]]:
    """Each subscription's key with the names `feed:` matches (folded): name, title, URLs.

    A feed's stories name it by its key; one unsubscribed since still matches by its URL.
    """
    from newsreader.words import fold

    names = {s.key: [fold(n) for n in (s.name, s.title, s.url, s.key) if n] for s in load(folder)}
    return names


def as_json(subscription: Subscription) -> dict[str, Any]:
    """A subscription as `feeds --json` prints it (without the HTTP validators)."""
    data = asdict(subscription)
    for private in ("etag", "last_modified"):
        data.pop(private)
    return data
