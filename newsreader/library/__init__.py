"""The library: the only code that touches TinyDB. Imports dumps, serves stories, keeps marks.

A library is a folder (0700) of files (0600):
- `library.json`  — TinyDB: the catalog's manifest, naming its segments in order; replaced
  atomically at each import's commit (see manifest.py);
- `catalog/*.json` — TinyDB: the catalog's segments, one document per imported dump with its
  stories' metadata, each written once by a commit (merged or purged into new ones);
- `catalog/*.cache` — each segment's metadata as columns, rebuilt from it whenever stale
  (see segment_columns.py);
- `bodies/*.json` — TinyDB: story bodies, written once per import, never rewritten;
- `marks.json` + `marks.log` — read, starred and grouping decisions (see marks.py);
- `dedup/*.npz`   — the duplicate index's sketches, a segment per commit, merged as they
  grow (see dedup_segments.py); a `dedup.npz` of an older library is read as the first;
- `search/*.npy`  — the full-text search index (see search_index/);
- `first-screen.json` — what the app shows first, to paint it before opening the rest
  (see newsreader/first_screen.py).
- `counts.txt` — the counts `newsreader count` prints, while still true (see count.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from newsreader.errors import (
    DamagedLibrary,
    LibraryError,
    ReadOnlyLibrary,
    UnknownStory,
    in_words,
)
from newsreader.library.batch import Batch, PreparedDump, prepare_dump, word_count
from newsreader.library.byte_columns import column
from newsreader.library.catalog import Catalog, CatalogVersion, StoryMeta, open_catalog
from newsreader.library.columns import StorySelection
from newsreader.library.groups import SOLO_PREFIX, Groups, compute_groups
from newsreader.library.mark_masks import MarkMasks
from newsreader.library.marks import UNCOUNTED, MarkState
from newsreader.library.recount import (
    COUNTED,
    RECOUNT_AT_MOST,
    Counted,
    MarksSeen,
    brought_up,
    count,
    count_seen,
)
from newsreader.library.schema import upgrade
from newsreader.library.tags import tags_of
from newsreader.locks import hold
from newsreader.models import ParsedDump, Story

if TYPE_CHECKING:
    from newsreader.library.search_index import SegmentIndex
    from newsreader.undo import Change

__all__ = [
    "ImportReport",
    "ImportRule",
    "Library",
    "LibraryVersion",
    "PreparedDump",
    "StoryMeta",
    "prepare_dump",
    "word_count",
]


class ImportRule(Protocol):
    """Something done to the stories an import adds (a mute rule of newsreader.rules)."""

    def apply(self, library: Library, new_ids: Sequence[str]) -> list[Change]:
        """Act on those of `new_ids` it concerns; the changes that take that back."""
        ...


@dataclass
class ImportReport:
    """What one import did."""

    dumps_read: int = 0
    dumps_already_there: int = 0
    stories_added: int = 0
    duplicates_hidden: int = 0
    warnings: list[str] = field(default_factory=list)
    rule_changes: list[Change] = field(default_factory=list)  # what mute rules did, for undo


@dataclass(frozen=True)
class LibraryVersion:
    """The catalog as read again, its groups and counts: made on a thread, adopted by the app."""

    catalog: CatalogVersion
    groups: Groups
    seen: MarksSeen  # the marks the groups and counts were made with
    counted: Counted


class Library:
    """One library folder, opened for reading and writing."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        with _reading(self.folder / "library.json"):
            self.catalog: Catalog = open_catalog(self.folder)
            upgrade(self.catalog, self.folder)
        with _reading(self.folder / "marks.json"):
            self.marks = MarkState(self.folder)
        self.marks.on_commit = self._save_counts
        self.mark_group_read = True
        # When another process holds the import lock: wait (told through on_lock_wait) or not.
        self.wait_for_locks = True
        self.on_lock_wait: Callable[[str], None] | None = None
        self.rules: Sequence[ImportRule] = ()  # mute rules applied to the stories each import adds
        self._groups: Groups = Groups()
        # (groups, stories, marks generation) and the (unread, starred) counted with them.
        self._counted: tuple[tuple[object, object, int], tuple[int, int]] | None = None
        self._mark_masks = MarkMasks()  # for the list's filters (search keeps its own)
        # The catalog last read on a thread, with its groups and counts while they hold.
        self._fresh: LibraryVersion | None = None
        self._regroup()

    # ---- reading -------------------------------------------------------------------------

    @property
    def stories(self) -> Sequence[StoryMeta]:
        """Every story, duplicates included, in library order."""
        return self.catalog.stories

    @property
    def read_only(self) -> bool:
        """Whether the library can only be read (found at open, or at the first failed write)."""
        return self.marks.read_only

    def is_empty(self) -> bool:
        """True when nothing has been imported yet."""
        return not self.catalog.stories

    def meta(self, story_id: str) -> StoryMeta:
        """The metadata of one story; UnknownStory if there is none with that id."""
        try:
            return self.catalog.by_id[story_id]
        except KeyError:
            raise UnknownStory(f"no story with id {story_id!r}") from None

    def resolve(self, text: str) -> str:
        """The full id of the story whose id is `text` or starts with it."""
        if text in self.catalog.by_id:
            return text
        found = [sid for sid in self.catalog.by_id if sid.startswith(text)] if text else []
        if len(found) == 1:
            return found[0]
        reason = "is ambiguous" if found else "matches no story"
        raise UnknownStory(f"story id {text!r} {reason}")

    def captured_at(self, story_id: str) -> str:
        """When the page holding the story was saved (ISO 8601 UTC); '' when not known."""
        table = self.catalog.stories
        position = table.positions.get(story_id)
        if position is None:
            raise UnknownStory(f"no story with id {story_id!r}")
        return table.captured[int(table.dump[position])]

    def is_read(self, story_id: str) -> bool:
        """Whether the story is marked read."""
        return bool(self.marks.get(story_id, "read", False))

    def is_starred(self, story_id: str) -> bool:
        """Whether the story is starred."""
        return bool(self.marks.get(story_id, "starred", False))

    def duplicate_of(self, story_id: str) -> str | None:
        """The id of the version shown instead of this story, or None if it is shown."""
        return self._groups.duplicate_of(story_id)

    def versions(self, story_id: str) -> list[str]:
        """Every version of the story, the shown one first."""
        return self._groups.versions(story_id)

    def visible(self) -> Sequence[StoryMeta]:
        """The stories a reader sees: one per group, in library order (made when read)."""
        return StorySelection(self.catalog.stories, self.visible_positions())

    def visible_positions(self) -> npt.NDArray[np.int64]:
        """Where the stories a reader sees are in `stories`, in order; no StoryMeta is made."""
        if self._groups.stories is not self.catalog.stories:
            self._regroup()  # the catalog was read again since the groups were made
        shown = self._groups.shown_positions()
        hidden = self._hidden_positions()
        return shown[~np.isin(shown, hidden)] if hidden.size else shown

    def _hidden_positions(self) -> npt.NDArray[np.int64]:
        """Where the stories a mute rule hid are in `stories`."""
        return self._positions_of(sid for sid, v in self.marks.items("hidden") if v)

    def _positions_of(self, ids: Iterable[str]) -> npt.NDArray[np.int64]:
        """Where the stories of `ids` that the library holds are in `stories`, in the order
        given (found with arrays: a lookup each would cost seconds for 500,000 marks)."""
        found = self.catalog.stories.positions.locate(column(ids))
        return found[found >= 0]

    def is_hidden(self, story_id: str) -> bool:
        """Whether a mute rule hid the story (it is then in no list)."""
        return bool(self.marks.get(story_id, "hidden", False))

    def marked(self, field: str) -> list[str]:
        """Ids of the stories whose `field` mark ("read" or "starred") is set."""
        ids = self.marks.marked_ids(field)
        known = self.catalog.stories.positions.locate(column(ids)) >= 0
        return [ids[number] for number in np.flatnonzero(known).tolist()]

    def marked_mask(self, field: str) -> npt.NDArray[np.bool_]:
        """Which stories, by position in `stories`, have the mark `field` set (kept and
        updated in place as marks change: read it, do not change it)."""
        table = self.catalog.stories
        key = (table, self.marks)  # held, not their ids: an id may be another object's later
        return self._mark_masks.mask(self.marks, field, table.positions, len(table), key)

    def shown_for(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Which stories, by position in `stories`, are the version shown of a story at
        `positions` (a story is found when any of its versions is)."""
        if self._groups.stories is not self.catalog.stories:
            self._regroup()
        found = np.zeros(len(self.catalog.stories), dtype=bool)
        found[self._groups.shown_versions(positions)] = True
        return found

    def story(self, story_id: str) -> Story:
        """The whole story, body included (read from disk on demand)."""
        meta = self.meta(story_id)
        with _reading(self.catalog.bodies_folder / f"{meta.segment}.json"):
            body = self.catalog.body(meta)
        return Story(
            id=meta.id,
            title=meta.title,
            source=meta.source,
            age=meta.age,
            published=meta.published,
            authors=meta.authors,
            paragraphs=tuple(body.get("paragraphs", ())),
            role="related" if meta.role == "related" else "main",
            main_id=meta.main_id,
            dump=meta.dump,
            url=meta.url,
            captions=tuple(body.get("captions", ())),
            notes=tuple(body.get("notes", ())),
            read=self.is_read(meta.id),
            starred=self.is_starred(meta.id),
            duplicate_of=self.duplicate_of(meta.id),
            tags=tags_of(self, meta.id),
        )

    def counts(self) -> tuple[int, int]:
        """(unread, starred) among the stories a reader sees."""
        fresh = self._fresh
        if fresh is not None and fresh.groups is self._groups:
            # Counted on the thread that read the catalog, with the marks made since.
            changed = self.marks.changed_since(fresh.seen.changes)
            table = self.catalog.stories
            few = changed is not None and len(changed) <= RECOUNT_AT_MOST
            if changed is not None and few and table is fresh.catalog.stories:
                counted = brought_up(table, fresh.counted, fresh.seen, changed, self.marks.get)
                if counted is not None:
                    return counted
        # Counted from the marks, found among the stories with arrays: a loop over half a
        # million read marks, asking of each whether it is shown, took seconds.
        read = self.marks.marked_ids("read")
        starred = self.marks.marked_ids("starred")
        found = count(self.catalog.stories, self.visible_positions(), read, starred)
        return found.unread, found.starred

    def refresh(self, wait: bool = True, catalog: bool = True) -> bool:
        """Pick up imports and marks made by other processes; True when anything changed.

        With `wait` False, raise LogBusy (nothing picked up) while a write holds the marks log;
        with `catalog` False, pick up marks only (imports are read with `read_catalog`)."""
        # Marks first: when they are busy, nothing has changed yet and the caller looks again.
        changed = self.marks.refresh(wait)
        if catalog and self.catalog.changed_on_disk():
            with _reading(self.folder / "library.json"):
                self.catalog.reload()
            changed = True
        if changed:
            self._regroup()
        return changed

    def marks_seen(self) -> MarksSeen:
        """The marks `read_catalog` groups and counts with, copied (where marks are made)."""
        return MarksSeen(self.marks.copies(COUNTED), self.marks.changes)

    def read_catalog(self, seen: MarksSeen) -> LibraryVersion | None:
        """The catalog as on disk now, its groups and counts, made without changing what this
        library serves (on a thread, while the app shows it); None when it has not changed.
        `seen` are the marks (`marks_seen()`, taken where marks are made)."""
        with _reading(self.folder / "library.json"):
            version = self.catalog.read()
        if version is None:
            return None
        groups = compute_groups(version.stories, seen.overrides())
        return LibraryVersion(version, groups, seen, count_seen(version.stories, groups, seen))

    def adopt(self, version: LibraryVersion) -> bool:
        """Serve the catalog of `version` from now on; False when it is older than the one
        served (read again or written since), and nothing is done."""
        if not self.catalog.adopt(version.catalog):
            return False
        if self.group_marks() != version.seen.overrides():
            self._regroup()  # stories grouped or ungrouped while it was read
        else:
            self._groups, self._fresh = version.groups, version
        return True

    def group_marks(self) -> dict[str, str]:
        """The group each story was put in by hand, by id."""
        return {sid: str(key) for sid, key in self.marks.items("group") if key}

    # ---- marking -------------------------------------------------------------------------

    def set_read(self, ids: Sequence[str], read: bool = True) -> list[str]:
        """Mark stories read or unread (their whole groups too, unless turned off)."""
        targets = self._with_groups(ids) if self.mark_group_read else list(ids)
        changes = {sid: read for sid in targets if self.is_read(sid) != read}
        return list(changes) if self.marks.set_many("read", changes) else []

    def set_starred(self, ids: Sequence[str], starred: bool = True) -> list[str]:
        """Star or unstar stories (only those given: a star stays on the story starred)."""
        for sid in ids:
            self.meta(sid)
        changes = {sid: starred for sid in ids if self.is_starred(sid) != starred}
        return list(changes) if self.marks.set_many("starred", changes) else []

    def set_hidden(self, ids: Sequence[str], hidden: bool = True) -> list[str]:
        """Hide stories from every list (as a `hide` rule does) or show them again."""
        for sid in ids:
            self.meta(sid)
        changes = {sid: hidden for sid in ids if self.is_hidden(sid) != hidden}
        return list(changes) if self.marks.set_many("hidden", changes) else []

    def ungroup(self, story_id: str) -> None:
        """Take a story out of its group: it is shown on its own from now on."""
        self.meta(story_id)
        self.marks.set_many("group", {story_id: SOLO_PREFIX + story_id})
        self._regroup()

    def group(self, keep_id: str, other_id: str) -> None:
        """Put `other_id` in the group of `keep_id`."""
        self.meta(keep_id)
        self.meta(other_id)
        self.marks.set_many("group", {other_id: self._groups.key_of[keep_id]})
        self._regroup()

    def marks_of(self, field: str, ids: Sequence[str]) -> dict[str, Any]:
        """The value of one mark ("read", "starred" or "group") of each story; None if unset."""
        return {sid: self.marks.get(sid, field) for sid in ids}

    def restore_marks(self, field: str, values: dict[str, Any]) -> None:
        """Set one mark of each story back to an earlier value, exactly (for undo)."""
        for sid in values:
            self.meta(sid)
        self.marks.set_many(field, values)
        if field == "group":
            self._regroup()

    def merge_marks_from(self, other: Path) -> int:
        """Take another copy's marks where they are newer than ours; return how many."""
        if not any((Path(other) / name).is_file() for name in ("marks.json", "marks.log")):
            raise LibraryError(f"{other}: not a newsreader library (no marks.json or marks.log)")
        self.marks.refresh()
        with _reading(Path(other) / "marks.json"):
            theirs = MarkState(Path(other))
        taken = self.marks.merge_from(theirs)
        self._regroup()
        return taken

    def _with_groups(self, ids: Sequence[str]) -> list[str]:
        result: dict[str, None] = {}
        for sid in ids:
            self.meta(sid)
            result.update(dict.fromkeys(self._groups.versions(sid)))
        return list(result)

    def _regroup(self) -> None:
        self._groups = compute_groups(self.catalog.stories, self.group_marks())

    # ---- importing -----------------------------------------------------------------------

    def import_dumps(self, dumps: Iterable[ParsedDump | PreparedDump]) -> ImportReport:
        """Add dumps not yet in the library; each dump goes in whole or not at all."""
        from newsreader.dedup import DuplicateIndex, OutdatedIndex

        report = ImportReport()
        if self.read_only:
            raise ReadOnlyLibrary(self.folder, "nothing imported")
        lock = self.folder / "import.lock"
        with hold(lock, "import", self.wait_for_locks, self.on_lock_wait):
            self.catalog.settle()
            try:
                index = DuplicateIndex.load(self.folder)
            except OutdatedIndex:
                index = DuplicateIndex()
                for meta in self.stories:
                    index.add(meta.id, meta.title, self.story(meta.id).paragraphs)
            except DamagedLibrary:
                raise
            except LibraryError as error:
                path = self.folder / "dedup.npz"
                raise DamagedLibrary(path, str(error).removeprefix(f"{path}: ")) from error
            batch = Batch(self.catalog, index)
            del index  # the batch's alone: let go with it once saved, before the last commit
            for given in dumps:
                dump = given.dump if isinstance(given, PreparedDump) else given
                report.dumps_read += 1
                if dump.digest in self.catalog.digests or dump.digest in batch.digests:
                    # Its warnings were given when it was imported: once per dump is enough.
                    report.dumps_already_there += 1
                    continue
                report.warnings.extend(f"{dump.name}: {w}" for w in dump.warnings)
                added, hidden = batch.add(given)
                report.stories_added += added
                report.duplicates_hidden += hidden
                if batch.due():
                    batch.commit()
            batch.commit(last=True)
            self._carry_marks(batch.replaced)
            # Batches commit without putting the catalog's columns together again; once is
            # enough, at the end, after the small segments of this import are merged.
            self.catalog.compact()
            self.catalog.reload()
        self._regroup()
        if batch.added:
            report.rule_changes = [c for r in self.rules for c in r.apply(self, batch.added)]
        self._save_counts("import")
        return report

    def save_counts(self, counted: tuple[int, int]) -> None:
        """Keep `counts.txt` true when the caller knows the (unread, starred) counts."""
        from newsreader.library.summary import save_summary

        save_summary(
            self.folder,
            lambda: not self.catalog.changed_on_disk() and self.marks.current(),
            lambda: (len(self.visible_positions()), *counted),
        )

    def _save_counts(
        self, field: str | None = None, changes: dict[str, tuple[Any, Any]] | None = None
    ) -> None:
        """Keep `counts.txt` true after a commit of `field` (None: any), for `newsreader count`."""
        from newsreader.library.summary import save_summary

        if field is None or field == "group":
            self._regroup()  # called before the method that changed the groups regroups
        counted = self._counts_after(field, changes or {})
        writer = self.marks.writer
        if writer is not None and writer.unsaved:
            return  # memory is ahead of the files: a summary now would not match them
        save_summary(
            self.folder,
            lambda: not self.catalog.changed_on_disk() and self.marks.current(),
            lambda: (len(self.visible_positions()), *counted),
        )

    def _counts_after(
        self, field: str | None, changes: dict[str, tuple[Any, Any]]
    ) -> tuple[int, int]:
        """`counts()` after a commit: by the changes alone when the rest is as last counted
        (counting afresh walks every mark: 8 ms a key at 10,000 stories)."""
        key = (self._groups, self.catalog.stories, self.marks.generation)
        last = self._counted
        same = last is not None and last[0][0] is key[0] and last[0][1] is key[1]
        if same and last is not None and last[0][2] == key[2] and field in UNCOUNTED:
            counted = last[1]
        elif not same or last is None or last[0][2] != key[2] or field not in ("read", "starred"):
            counted = self.counts()
        else:
            unread, starred = last[1]
            for sid, (old, new) in changes.items():
                if bool(old) == bool(new) or sid not in self.catalog.by_id:
                    continue
                step = 1 if new else -1
                if field == "starred":
                    starred += step
                elif self._groups.duplicate_of(sid) is None and not self.is_hidden(sid):
                    unread -= step
            counted = (unread, starred)
        self._counted = (key, counted)
        return counted

    def delete_dumps(self, wanted: Callable[[str], bool]) -> list[str]:
        """Delete the dumps whose file name `wanted` accepts, stories and marks with them."""
        from newsreader.library.purge import delete_dumps

        deleted = delete_dumps(self.folder, self.catalog, self.marks, wanted)
        self._regroup()
        return deleted

    def _carry_marks(self, replaced: Sequence[tuple[str, str]]) -> None:
        """Give each new version of a changed story the read mark of the old; move its star."""
        read = {new: True for new, old in replaced if self.is_read(old)}
        self.marks.set_many("read", read)
        # Moved, not copied: one story starred is one star, whichever text is shown.
        moved: dict[str, bool] = {}
        for new, old in replaced:
            if self.is_starred(old):
                moved.update({new: True, old: False})
        self.marks.set_many("starred", moved)

    def index_missing(self, index: SegmentIndex) -> int:
        """Index the stories no segment of `index` holds yet (imported before the library had
        a search index); return how many."""
        from newsreader.library.search_index import index_missing

        return index_missing(index, self.catalog, self.refresh)

    def close(self) -> None:
        """Release files held open."""
        self.catalog.close()


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn what a damaged or unreachable file makes the reading code raise into one error.

    Valid JSON of an unexpected shape fails deep in the code that interprets it; an
    unreadable folder fails with OSError. Either way the user gets one line naming the file.
    """
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise DamagedLibrary(
            path, f"unexpected content ({type(error).__name__}: {error})"
        ) from error
    except OSError as error:
        raise LibraryError(f"{error.filename or path}: {in_words(error)}") from error
