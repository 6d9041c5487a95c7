"""Near-duplicate detection: MinHash sketches of word 5-shingles and LSH band keys in numpy."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zlib import crc32

import numpy as np
import numpy.typing as npt

from newsreader.bands import BANDS, BandIndex
from newsreader.difference import sentences
from newsreader.errors import LibraryError

FORMAT_VERSION = 1
SHINGLE = 5  # words per shingle
PERMUTATIONS = 128
ROWS = 4  # sketch values per LSH band: four uint16 values make one uint64 band key
assert BANDS == PERMUTATIONS // ROWS
THRESHOLD = 0.5  # estimated Jaccard a candidate needs to count as the same story
MIN_WORDS = 50  # shorter bodies match exactly or not at all
NUMBERS_KEPT = 64  # at most this many of a story's distinct numbers (the smallest hashes)
MIN_NUMBERS = 3  # both stories need this many numbers for the numbers veto to apply
MIN_NUMBER_SHARE = 0.35  # Jaccard of the number sets below which templated stories differ
FILE_NAME = "dedup.npz"

U64 = npt.NDArray[np.uint64]
_rng = np.random.default_rng(0x6E657773)
# Multiply-add-shift hashing (odd multipliers, high 32 bits of a 64-bit product) is
# 2-independent on 32-bit keys and needs no modulo, so a whole sketch is three numpy operations.
_A = _rng.integers(0, 2**64, PERMUTATIONS, dtype=np.uint64, endpoint=False) | np.uint64(1)
_B = _rng.integers(0, 2**64, PERMUTATIONS, dtype=np.uint64, endpoint=False)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Furniture that aggregators and wire services add to unrelated stories: left in, it would make
# short stories look alike.
_BOILERPLATE = re.compile(
    r"^[(\[]?(?:this article was generated from an automated news agency feed"
    r"|with (?:additional )?(?:assistance|reporting) (?:from|by)\b"
    r"|write to \S.* at \S+@"
    r"|(?:additional )?(?:reporting|writing|editing) by\b"
    r"|(?:also read|read more|catch all the|download the|subscribe to|sign up for|follow us)\b"
    r"|copyright\b|©)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Features:
    """What the index keeps of one story."""

    exact: int  # 0 when the story has no text at all
    sketch: npt.NDArray[np.uint16] | None  # None for a text too short to compare by similarity
    numbers: npt.NDArray[np.uint32]  # sorted hashes of its distinct numbers, NUMBERS_KEPT at most
    number_count: int  # how many distinct numbers it has


# Words every kind of boilerplate above contains. A text holding none of them has no
# boilerplate sentence, and its sentences need not be found: a third of a story's features.
_BOILERPLATE_WORDS = (
    "this article was generated", "assistance", "reporting", "writing by", "editing by",
    "write to", "also read", "read more", "catch all the", "download the", "subscribe to",
    "sign up for", "follow us", "copyright", "©",
)  # fmt: skip


def _body(paragraphs: Sequence[str]) -> str:
    """The story's text without the boilerplate sentences."""
    # The sentences joined by spaces are exactly this: each paragraph, whitespace folded.
    folded = " ".join(" ".join(words) for p in paragraphs if (words := p.split()))
    # casefold keeps the dotless ı, which IGNORECASE matches with i.
    lowered = folded.lower() if folded.isascii() else folded.casefold().replace("ı", "i")
    if not any(word in lowered for word in _BOILERPLATE_WORDS):
        return folded
    return " ".join(s for s in sentences(paragraphs) if not _BOILERPLATE.match(s))


# \w on ASCII text: letters, digits and the underscore; every other byte separates words.
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() or c == ord("_") else 32 for c in range(128))
_ASCII_WORDS = _ASCII_WORD_BYTES + b" " * 128
_UTF8_PIECES = _ASCII_WORD_BYTES + bytes(range(128, 256))  # UTF-8 sequences kept whole


def _words(folded: str) -> list[bytes]:
    """The \\w+ runs of casefolded text, UTF-8 encoded."""
    # Split at ASCII separators by byte table, several times faster than the regular
    # expression; only the pieces holding other characters (quotes, dashes, letters of other
    # scripts) are split further by it. No \\w run crosses an ASCII separator.
    if folded.isascii():
        return folded.encode().translate(_ASCII_WORDS).split()
    words: list[bytes] = []
    for piece in folded.encode("utf-8", "surrogatepass").translate(_UTF8_PIECES).split():
        if piece.isascii():
            words.append(piece)
        else:
            text = piece.decode("utf-8", "surrogatepass")
            words += [word.encode() for word in _WORD.findall(text)]
    return words


def _shingle_hashes(words: Sequence[bytes]) -> npt.NDArray[np.uint64]:
    """32-bit hashes (in uint64) of the word 5-shingles; one shingle of all words if fewer."""
    w = np.fromiter(map(crc32, words), dtype=np.uint64, count=len(words))
    span = min(SHINGLE, len(words))
    count = len(words) - span + 1
    h = w[:count].copy()
    for k in range(1, span):
        h = h * _MIX + w[k : k + count]
    h ^= h >> np.uint64(31)
    h *= _MIX2
    return h >> np.uint64(32)


def _minhash(shingles: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint16]:
    """Low 16 bits of each of the 128 minimum hashes (a b-bit MinHash, b = 16)."""
    products = np.multiply.outer(shingles, _A)
    products += _B  # in place: one n×128 array rather than two
    smallest: U64 = products.min(axis=0)
    return ((smallest >> np.uint64(32)) & np.uint64(0xFFFF)).astype(np.uint16)


def _numbers(text: str) -> tuple[npt.NDArray[np.uint32], int]:
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    hashes = sorted(crc32(n.encode()) for n in found)[:NUMBERS_KEPT]
    return np.array(hashes, dtype=np.uint32), len(found)


def features(title: str, paragraphs: Sequence[str]) -> _Features:
    """What the index compares of a story; pure, so it can be worked out in another process."""
    return _features(title, paragraphs)


def _features(title: str, paragraphs: Sequence[str]) -> _Features:
    body = _body(paragraphs)
    words = _words(body.casefold())
    title_words = _words(title.casefold())
    exact = 0
    if words or title_words:
        key = b" ".join(title_words) + b"\n" + b" ".join(words)
        exact = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") or 1
    sketch = _minhash(_shingle_hashes(words)) if len(words) >= MIN_WORDS else None
    numbers, count = _numbers(body)
    return _Features(exact, sketch, numbers, count)


def _number_share(a: npt.NDArray[np.uint32], na: int, b: npt.NDArray[np.uint32], nb: int) -> float:
    """Jaccard of two number sets, exact up to NUMBERS_KEPT numbers and estimated beyond."""
    if na <= NUMBERS_KEPT and nb <= NUMBERS_KEPT:
        shared = len(set(a.tolist()).intersection(b.tolist()))  # sets: few numbers, quicker
        return shared / (na + nb - shared)
    smallest = np.union1d(a, b)[: min(len(a), len(b))]
    both = np.isin(smallest, a, assume_unique=True) & np.isin(smallest, b, assume_unique=True)
    return float(both.mean())


def similarity(a_paragraphs: Sequence[str], b_paragraphs: Sequence[str]) -> float:
    """Exact Jaccard similarity of the two texts' word 5-shingles, boilerplate left out."""
    a_words = _words(_body(a_paragraphs).casefold())
    b_words = _words(_body(b_paragraphs).casefold())
    if not a_words or not b_words:
        return 0.0
    a = set(_shingle_hashes(a_words).tolist())
    b = set(_shingle_hashes(b_words).tolist())
    return len(a & b) / len(a | b)


def _grown(a: npt.NDArray[Any], extra: int) -> npt.NDArray[Any]:
    """`a` with `extra` more zero rows: in place if `a` owns its memory, else a copy."""
    shape = (len(a) + extra, *a.shape[1:])
    if a.flags.owndata:
        # In place (realloc) there is never a second copy of the sketches in memory. No view of
        # these arrays outlives a call, so the reference check can be skipped.
        a.resize(shape, refcheck=False)
        return a
    bigger = np.zeros(shape, dtype=a.dtype)
    bigger[: len(a)] = a
    return bigger


class DuplicateIndex:
    """Incremental near-duplicate index: MinHash sketches + LSH band keys held in numpy arrays."""

    def __init__(self, *, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._sketch = np.zeros((0, PERMUTATIONS), dtype=np.uint16)
        self._exact = np.zeros(0, dtype=np.uint64)
        # The number hashes of all rows end to end; row r's end where `_number_end[r]` says.
        self._numbers = np.zeros(0, dtype=np.uint32)
        self._number_end = np.zeros(0, dtype=np.int64)
        self._number_count = np.zeros(0, dtype=np.uint16)
        self._long = np.zeros(0, dtype=bool)
        self._bands = BandIndex()
        self._exact_rows: dict[int, list[int]] = {}
        self._last: tuple[tuple[str, tuple[str, ...]], _Features] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._rows

    # ---- queries ---------------------------------------------------------------------------

    def find(
        self,
        story_id: str,
        title: str,
        paragraphs: Sequence[str],
        features: _Features | None = None,
    ) -> list[str]:
        """Ids of indexed stories this one duplicates, best first; [] if none. Adds nothing.

        `features`, when given, must be `features(title, paragraphs)` worked out ahead.
        """
        f = features or self._features_of(title, paragraphs)
        own = self._rows.get(story_id, -1)
        exact = self._exact_rows.get(f.exact, []) if f.exact else []
        found = [r for r in exact if r != own]
        if f.sketch is not None:
            rows = self._bands.candidates(f.sketch)
            if not rows.size:
                return [self._ids[r] for r in found]
            if own >= 0:
                rows = rows[rows != own]
            if exact:
                rows = rows[~np.isin(rows, exact)]
            # Counted rather than averaged: the same order and the same cut, and cheaper.
            same = np.count_nonzero(self._sketch[rows] == f.sketch, axis=1)
            keep = same >= self.threshold * PERMUTATIONS
            near = sorted(zip((-same[keep]).tolist(), rows[keep].tolist(), strict=True))
            found += [r for _, r in near if not self._vetoed(f, r)]
        return [self._ids[r] for r in found]

    def _vetoed(self, f: _Features, row: int) -> bool:
        """Templated stories (market wraps, results) differ in their numbers and little else."""
        count = int(self._number_count[row])
        if min(f.number_count, count) < MIN_NUMBERS:
            return False
        start = int(self._number_end[row - 1]) if row else 0
        numbers = self._numbers[start : self._number_end[row]]
        share = _number_share(f.numbers, f.number_count, numbers, count)
        return share < MIN_NUMBER_SHARE

    def _features_of(self, title: str, paragraphs: Sequence[str]) -> _Features:
        # The library calls find then add with the same story: compute its features once.
        key = (title, tuple(paragraphs))
        if self._last is None or self._last[0] != key:
            self._last = (key, _features(title, paragraphs))
        return self._last[1]

    # ---- changes ---------------------------------------------------------------------------

    def add(
        self,
        story_id: str,
        title: str,
        paragraphs: Sequence[str],
        features: _Features | None = None,
    ) -> None:
        """Index a story; adding a known id again changes nothing."""
        if story_id in self._rows:
            return
        f = features or self._features_of(title, paragraphs)
        row = len(self._ids)
        if row == len(self._exact):
            grow = max(1024, row // 8)
            self._sketch, self._exact = _grown(self._sketch, grow), _grown(self._exact, grow)
            self._number_end = _grown(self._number_end, grow)
            self._number_count, self._long = (
                _grown(self._number_count, grow),
                _grown(self._long, grow),
            )
        start = int(self._number_end[row - 1]) if row else 0
        end = start + len(f.numbers)
        if end > len(self._numbers):
            self._numbers = _grown(self._numbers, max(4096, end, len(self._numbers) // 2))
        self._numbers[start:end] = f.numbers
        self._number_end[row] = end
        self._number_count[row] = min(f.number_count, 0xFFFF)
        self._exact[row] = f.exact
        if f.exact:
            self._exact_rows.setdefault(f.exact, []).append(row)
        self._long[row] = f.sketch is not None
        if f.sketch is not None:
            self._sketch[row] = f.sketch
            self._bands.add(row, f.sketch)
        self._ids.append(story_id)
        self._rows[story_id] = row

    # ---- files -----------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write the index to `folder` atomically (temp file, fsync, rename), readable by owner."""
        n = len(self._ids)
        arrays: dict[str, Any] = {
            "version": np.array([FORMAT_VERSION, PERMUTATIONS, NUMBERS_KEPT], dtype=np.int64),
            "ids": np.array(self._ids, dtype=np.str_),
            "sketch": self._sketch[:n],
            "exact": self._exact[:n],
            "numbers": self._numbers[: self._number_end[n - 1] if n else 0],
            "number_end": self._number_end[:n],
            "number_count": self._number_count[:n],
            "long": self._long[:n],
            "order": self._bands.order(),
            "sorted": np.array([self._bands.merged], dtype=np.int64),
        }
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / FILE_NAME
        temp = folder / f".{FILE_NAME}.{os.getpid()}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                np.savez(out, **arrays)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    @classmethod
    def load(cls, folder: Path) -> DuplicateIndex:
        """The index saved in `folder`, or an empty one; LibraryError if the file is damaged."""
        index = cls()
        path = folder / FILE_NAME
        if not path.exists():
            return index
        try:
            data = np.load(path, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise ValueError("not an index archive")
            with data:
                arrays = {name: data[name] for name in data.files}
            index._restore(arrays)
        except (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile) as error:
            raise LibraryError(f"{path}: damaged duplicate index ({error})") from error
        return index

    def _restore(self, a: dict[str, npt.NDArray[Any]]) -> None:
        if a["version"].tolist() != [FORMAT_VERSION, PERMUTATIONS, NUMBERS_KEPT]:
            raise ValueError(f"unknown format {a['version'].tolist()}")
        ids = [str(i) for i in a["ids"].tolist()]
        n = len(ids)
        expected = {
            "sketch": ((n, PERMUTATIONS), np.uint16),
            "exact": ((n,), np.uint64),
            "number_end": ((n,), np.int64),
            "number_count": ((n,), np.uint16),
            "long": ((n,), np.bool_),
        }
        for name, (shape, dtype) in expected.items():
            if a[name].shape != shape or a[name].dtype != dtype:
                raise ValueError(f"{name} has shape {a[name].shape} and type {a[name].dtype}")
        done = int(a["sorted"][0])
        order = a["order"]
        long_sorted = int(a["long"][:done].sum()) if 0 <= done <= n else -1
        if order.dtype != np.uint32 or order.shape != (BANDS, long_sorted):
            raise ValueError("band order does not fit the sketches")
        if order.size and int(order.max()) >= done:
            raise ValueError("band order points past the sketches")
        ends = a["number_end"]
        if a["numbers"].dtype != np.uint32 or (n and ends[-1] != len(a["numbers"])):
            raise ValueError("numbers do not fit their offsets")
        if n and (ends[0] < 0 or (np.diff(ends) < 0).any()):
            raise ValueError("number offsets out of order")
        if len(set(ids)) != n:
            raise ValueError("an id appears twice")
        self._ids, self._rows = ids, {sid: row for row, sid in enumerate(ids)}
        self._sketch, self._exact, self._long = a["sketch"], a["exact"], a["long"]
        self._numbers, self._number_end = a["numbers"], ends
        self._number_count = a["number_count"]
        self._bands = BandIndex.restore(a["sketch"], a["long"], order, done)
        self._exact_rows = {}
        for row, key in enumerate(a["exact"].tolist()):
            if key:
                self._exact_rows.setdefault(key, []).append(row)
