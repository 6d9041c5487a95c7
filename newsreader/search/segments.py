"""Index segments: one inverted index per import commit, as numpy files read through mmap.

A segment named N is four files in the library's `search/` folder, each written atomically:
- `N.terms.npy`   uint64, sorted: the 48-bit keys of every word and word pair in its stories;
- `N.offsets.npy` uint32: the postings of term i are `docs[offsets[i]:offsets[i + 1]]`;
- `N.docs.npy`    uint16: local story numbers, ascending within each term;
- `N.ids.npy`     the story id of each local number — written last: a segment without it is
  incomplete and never read.
Segments are written before the import that made them commits, so one may hold stories that
never reached the library; readers skip every story the library does not list, and merges
drop them. Names sort by the time they were written: the newest copy of a story wins.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections import defaultdict
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from newsreader.errors import LibraryError
from newsreader.search.tokens import (
    DOC_BITS,
    KEY_MASK,
    U64,
    fold_token,
    pair_hashes,
    raw_tokens,
    word_hashes,
)
from newsreader.storage import make_private_folder, write_atomic

FOLDER = "search"
MAX_STORIES = 1 << DOC_BITS  # local story numbers are uint16
MERGE_FACTOR = 4  # this many segments of one size class (1-3, 4-15, 16-63 … stories) merge
MERGE_BELOW = 1024  # segments of this many stories or more are never merged again
_PARTS = ("terms", "offsets", "docs", "ids")
_DOC_MASK = np.uint64((1 << DOC_BITS) - 1)
_EMPTY = np.zeros(0, dtype=np.uint16)

# (story id, title, paragraphs)
StoryText = tuple[str, str, Sequence[str]]


@dataclass
class Segment:
    """One segment opened for reading; the arrays are memory-mapped, ids read whole."""

    name: str
    terms: npt.NDArray[np.uint64]
    offsets: npt.NDArray[np.uint32]
    docs: npt.NDArray[np.uint16]
    ids: list[str]

    def postings(self, key: int) -> npt.NDArray[np.uint16]:
        """The local numbers of the stories holding term `key`, ascending."""
        at = int(np.searchsorted(self.terms, np.uint64(key)))
        if at == len(self.terms) or int(self.terms[at]) != key:
            return _EMPTY
        return np.asarray(self.docs[int(self.offsets[at]) : int(self.offsets[at + 1])])

    def matching(self, keys: Sequence[int]) -> npt.NDArray[np.uint16]:
        """The local numbers of the stories holding every term in `keys`."""
        lists = []
        for key in keys:
            found = self.postings(key)
            if not found.size:
                return _EMPTY
            lists.append(found)
        lists.sort(key=len)  # intersecting from the shortest list keeps every step small
        result = lists[0]
        for other in lists[1:]:
            result = np.intersect1d(result, other, assume_unique=True)
            if not result.size:
                break
        return result


def _sort_keys(stories: Sequence[StoryText]) -> U64:
    """Sorted unique (term key << 16 | local number) of every word and word pair of `stories`."""
    vocabulary: defaultdict[bytes, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # each new token gets the next number
    per_story = []
    for _sid, title, paragraphs in stories:
        raw = raw_tokens("\n".join((title, *paragraphs)))
        per_story.append(np.fromiter(map(vocabulary.__getitem__, raw), np.int64, len(raw)))
    tokens = np.concatenate(per_story) if per_story else np.zeros(0, np.int64)
    lengths = np.array([len(t) for t in per_story], dtype=np.int64)
    doc = np.repeat(np.arange(len(stories), dtype=np.uint64), lengths)
    # A raw token folds to zero, one or several words ("—" to none, "trump’s" to two).
    folded = [fold_token(raw) for raw in vocabulary]
    counts = np.array([len(words) for words in folded], dtype=np.int64)
    hashes = word_hashes([word for words in folded for word in words])
    if counts.size and (counts == 1).all():
        hashed = hashes[tokens]
    else:
        per_token = counts[tokens]
        first = np.repeat((np.cumsum(counts) - counts)[tokens], per_token)
        within = np.arange(int(per_token.sum())) - np.repeat(
            np.cumsum(per_token) - per_token, per_token
        )
        hashed = hashes[first + within]
        doc = np.repeat(doc, per_token)
    same_story = doc[1:] == doc[:-1]
    pairs = pair_hashes(hashed[:-1][same_story], hashed[1:][same_story])
    keys = np.concatenate([(hashed & KEY_MASK) | doc, (pairs & KEY_MASK) | doc[:-1][same_story]])
    keys.sort()
    return _unique_sorted(keys)


def _unique_sorted(keys: U64) -> U64:
    if keys.size < 2:
        return keys
    fresh = np.empty(keys.size, dtype=bool)
    fresh[0] = True
    np.not_equal(keys[1:], keys[:-1], out=fresh[1:])
    return keys[fresh]


def _arrays(keys: U64) -> tuple[U64, npt.NDArray[np.uint32], npt.NDArray[np.uint16]]:
    """Terms, offsets and docs from sorted unique sort keys."""
    terms = keys >> np.uint64(DOC_BITS)
    docs = (keys & _DOC_MASK).astype(np.uint16)
    if not terms.size:
        return terms, np.zeros(1, dtype=np.uint32), docs
    starts = np.flatnonzero(np.concatenate(([True], terms[1:] != terms[:-1])))
    offsets = np.append(starts, terms.size).astype(np.uint32)
    return terms[starts], offsets, docs


def _save(folder: Path, name: str, part: str, array: npt.NDArray[np.generic]) -> None:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    write_atomic(folder / f"{name}.{part}.npy", buffer.getvalue())


def _write(folder: Path, ids: Sequence[str], keys: U64) -> str:
    """Write one segment from its sort keys; return its name."""
    make_private_folder(folder)
    name = f"{time.time_ns():016x}-{os.getpid()}"
    terms, offsets, docs = _arrays(keys)
    _save(folder, name, "terms", terms)
    _save(folder, name, "offsets", offsets)
    _save(folder, name, "docs", docs)
    _save(folder, name, "ids", np.array([sid.encode() for sid in ids], dtype=np.bytes_))
    return name


def write_segments(library_folder: Path, stories: Sequence[StoryText]) -> list[str]:
    """Index `stories` into new segments (of at most MAX_STORIES each); return their names."""
    names = []
    for start in range(0, len(stories), MAX_STORIES):
        chunk = stories[start : start + MAX_STORIES]
        names.append(_write(library_folder / FOLDER, [s[0] for s in chunk], _sort_keys(chunk)))
    return names


def segment_names(library_folder: Path) -> list[str]:
    """The names of the complete segments, oldest first."""
    folder = library_folder / FOLDER
    try:
        found = [
            p.name[: -len(".ids.npy")] for p in folder.iterdir() if p.name.endswith(".ids.npy")
        ]
    except FileNotFoundError:
        return []
    return sorted(found)


def open_segment(library_folder: Path, name: str) -> Segment | None:
    """Open segment `name`, or None when a merge removed it meanwhile."""
    folder = library_folder / FOLDER
    try:
        ids = np.load(folder / f"{name}.ids.npy", allow_pickle=False)
        arrays = [
            np.load(folder / f"{name}.{part}.npy", mmap_mode="r", allow_pickle=False)
            for part in _PARTS[:3]
        ]
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise LibraryError(f"{folder / name}: damaged search index ({error})") from error
    return Segment(name, *arrays, ids=[sid.decode() for sid in ids.tolist()])


def _remove(folder: Path, name: str) -> None:
    for part in reversed(_PARTS):  # the ids file first: the segment stops counting at once
        with contextlib.suppress(FileNotFoundError):
            (folder / f"{name}.{part}.npy").unlink()


def _merge(library_folder: Path, segments: Sequence[Segment], keep: dict[str, list[bool]]) -> None:
    """Replace `segments` with one segment of the stories `keep` marks."""
    parts, ids = [], []
    for segment in segments:
        kept = np.array(keep[segment.name], dtype=bool)
        local = np.full(len(kept), -1, dtype=np.int64)
        local[kept] = np.arange(len(ids), len(ids) + int(kept.sum()))
        ids.extend(sid for sid, k in zip(segment.ids, kept, strict=True) if k)
        lengths = np.diff(np.asarray(segment.offsets).astype(np.int64))
        terms = np.repeat(np.asarray(segment.terms), lengths)
        docs = local[np.asarray(segment.docs)]
        parts.append((terms[docs >= 0] << np.uint64(DOC_BITS)) | docs[docs >= 0].astype(np.uint64))
    keys = np.concatenate(parts)
    keys.sort()
    if ids:
        _write(library_folder / FOLDER, ids, keys)
    for segment in segments:
        _remove(library_folder / FOLDER, segment.name)


def tidy(library_folder: Path, committed: Container[str]) -> None:
    """Drop what no story needs and merge small segments. Call with the import lock held.

    Every segment present is settled then: its import either committed or never will, so a
    story `committed` does not list is gone for good, as is an older copy of a story.
    """
    folder = library_folder / FOLDER
    if not folder.exists():
        return
    complete = set(segment_names(library_folder))
    for path in folder.iterdir():
        name = path.name.split(".", 1)[0]
        # Left by an import that stopped mid-segment: nobody else writes here under the lock.
        if path.name.endswith(".tmp") or (path.name.endswith(".npy") and name not in complete):
            path.unlink(missing_ok=True)
    opened = (open_segment(library_folder, name) for name in sorted(complete))
    segments = [segment for segment in opened if segment is not None]
    seen: set[str] = set()
    keep: dict[str, list[bool]] = {}
    for segment in reversed(segments):
        flags = [sid in committed and sid not in seen for sid in segment.ids]
        seen.update(segment.ids)
        keep[segment.name] = flags
    classes: defaultdict[int, list[Segment]] = defaultdict(list)
    for segment in segments:
        kept = sum(keep[segment.name])
        if not kept:
            _remove(folder, segment.name)
        elif kept < MERGE_BELOW:
            classes[(kept.bit_length() - 1) // 2].append(segment)  # powers of MERGE_FACTOR
    for group in classes.values():
        for start in range(0, len(group) - MERGE_FACTOR + 1, MERGE_FACTOR):
            _merge(library_folder, group[start : start + MERGE_FACTOR], keep)
