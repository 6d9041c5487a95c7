"""An import's batch: dumps parsed and indexed, written to the library when it commits.

What the library works out of each story (duplicate features, search terms, word count) may
be worked out ahead, where the dump is read (the importer's worker processes): `prepare_dump`
does it, and `PreparedDump` carries it to the batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsreader.errors import WriteFailed
from newsreader.library.catalog import Catalog
from newsreader.models import ParsedDump

if TYPE_CHECKING:
    from newsreader.fingerprint import Features
    from newsreader.words import U64

# An import commits whole dumps at least this often, so that a long import interrupted
# keeps most of its work, without rewriting library.json for every dump.
COMMIT_EVERY_STORIES = 10_000
COMMIT_EVERY_SECONDS = 5.0


def word_count(paragraphs: Sequence[str]) -> int:
    """How many words a story's body has, as the list shows it."""
    return sum(len(p.split()) for p in paragraphs)


@dataclass(frozen=True)
class PreparedDump:
    """A dump and, for each of its stories in order, what the library works out of it."""

    dump: ParsedDump
    features: tuple[Features, ...]  # for duplicate detection (newsreader.dedup)
    terms: tuple[U64, ...]  # for the search index (newsreader.words.story_terms)
    counts: tuple[int, ...]  # words in the body (word_count)


def prepare_dump(dump: ParsedDump) -> PreparedDump:
    """`dump` with what the library works out of each story, worked out now."""
    from newsreader.fingerprint import counted_features
    from newsreader.words import story_terms

    stories = dump.stories
    # The word count comes from the features' own split of the body.
    made = [counted_features(story.title, story.paragraphs) for story in stories]
    return PreparedDump(
        dump,
        tuple(features for features, _ in made),
        tuple(story_terms(story.title, story.paragraphs) for story in stories),
        tuple(count for _, count in made),
    )


def story_id(digest: str, position: int) -> str:
    """The stable id of the story at `position` in the dump whose text hashes to `digest`."""
    return hashlib.blake2b(f"{digest}:{position}".encode(), digest_size=6).hexdigest()


class _CatalogAnd(Container[str]):
    """The catalog's ids and some more: the catalog's are looked up where they are, not
    copied (two sets of a million ids cost 80 MB and a second to make)."""

    def __init__(self, catalog: Catalog, more: set[str]) -> None:
        self.catalog = catalog
        self.more = more

    def __contains__(self, story_id: object) -> bool:
        return story_id in self.more or story_id in self.catalog.by_id


class Batch:
    """Dumps parsed but not yet committed; a crash before `commit` leaves no trace of them."""

    def __init__(self, catalog: Catalog, index: Any) -> None:
        self.catalog = catalog
        self.index = index
        # The catalog is not read again while the import commits: its ids stay those from
        # before the import.
        self._added: set[str] = set()
        self._committed: set[str] = set()
        self.known = _CatalogAnd(catalog, self._added)
        self.committed = _CatalogAnd(catalog, self._committed)  # and this import's so far
        self.digests: set[str] = set()
        self.dumps: list[dict[str, Any]] = []
        self.bodies: list[dict[str, Any]] = []
        self.metas: list[dict[str, Any]] = []
        self.terms: list[Any] = []  # each story's search terms when worked out ahead, else None
        self.commits = 0
        self.added: list[str] = []  # every story this import added, in order
        self.replaced: list[tuple[str, str]] = []  # (new version, the story it replaces)
        self.started = time.monotonic()

    def add(self, given: ParsedDump | PreparedDump) -> tuple[int, int]:
        """Index one dump's stories; return (stories added, found to repeat another)."""
        docs: list[dict[str, Any]] = []
        hidden = 0
        dump = given.dump if isinstance(given, PreparedDump) else given
        main_id = story_id(dump.digest, 0)
        none: tuple[None, ...] = (None,) * len(dump.stories)
        ahead: Sequence[Features | None] = none
        terms: Sequence[U64 | None] = none
        words: Sequence[int | None] = none
        if isinstance(given, PreparedDump):
            ahead, terms, words = given.features, given.terms, given.counts
        for position, story in enumerate(dump.stories):
            sid = story_id(dump.digest, position)
            features = ahead[position]
            counted = words[position]
            found = self.index.find(sid, story.title, story.paragraphs, features)
            match = next((other for other in found if other in self.known), None)
            replaces = dump.replaces if position == 0 and dump.replaces in self.known else ""
            match = replaces or match
            self.index.add(sid, story.title, story.paragraphs, features)
            self._added.add(sid)
            self.added.append(sid)
            hidden += match is not None
            doc = {
                "id": sid,
                "title": story.title,
                "source": story.source,
                "age": story.age,
                "published": story.published,
                "authors": list(story.authors),
                "role": "main" if position == 0 else "related",
                "main_id": None if position == 0 else main_id,
                "url": story.url,
                "words": word_count(story.paragraphs) if counted is None else counted,
                "match": match,
            }
            if replaces:
                doc["replaces"] = replaces
                self.replaced.append((sid, replaces))
            docs.append(doc)
            self.metas.append(doc)
            self.terms.append(terms[position])
            self.bodies.append(
                {
                    "id": sid,
                    "paragraphs": list(story.paragraphs),
                    "captions": list(story.captions),
                    "notes": list(story.notes),
                }
            )
        self.dumps.append(
            {
                "digest": dump.digest,
                "file": dump.name,
                "captured_at": dump.captured_at,
                "imported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "stories": docs,
            }
        )
        self.digests.add(dump.digest)
        return len(docs), hidden

    def due(self) -> bool:
        """Whether enough has piled up to commit now."""
        elapsed = time.monotonic() - self.started
        return len(self.bodies) >= COMMIT_EVERY_STORIES or elapsed >= COMMIT_EVERY_SECONDS

    def commit(self, last: bool = False) -> None:
        """Write bodies, then the duplicate index, then the dumps (the commit point).

        With `last` the duplicate index is let go once saved: the dumps' write and the
        catalog's rebuild after it, the largest in memory of an import, do without it.

        A write that fails (a full disk, say) raises WriteFailed naming the file; the body
        segments this commit wrote are removed first, so that the library is as it was.
        """
        if not self.dumps:
            self.started = time.monotonic()
            if last:
                self.index = None
            return
        known = set(self.catalog.bodies_folder.glob("*.json"))
        try:
            self._commit(last)
        except OSError as error:
            for path in set(self.catalog.bodies_folder.glob("*.json")) - known:
                with contextlib.suppress(OSError):
                    path.unlink()
            raise WriteFailed(self.catalog.folder, error, "import stopped") from error

    def _commit(self, last: bool) -> None:
        if self.dumps:
            placed = self.catalog.place_bodies(self.bodies)
            for doc, (segment, start, end) in zip(self.metas, placed, strict=True):
                doc["segment"] = segment
                doc["body_at"] = [start, end]  # to read the story without its segment
            from newsreader.library.search_index import add_stories

            # Indexed before the commit point: readers skip stories the catalog does not list.
            # Not the catalog's ids: it is not read again between batches, and the batches this
            # import has committed must not be tidied away as if interrupted.
            add_stories(
                self.catalog.folder,
                self.metas,
                self.bodies,
                self.committed,
                self.terms,
                settle=not self.commits,
            )
            self.index.save(self.catalog.folder)
            if last:
                self.index = None
            self.catalog.commit(self.dumps, reload=False)
            self._committed.update(doc["id"] for doc in self.metas)
            self.commits += 1
        self.dumps, self.bodies, self.metas, self.terms = [], [], [], []
        self.started = time.monotonic()
