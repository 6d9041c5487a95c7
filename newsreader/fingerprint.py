"""What the duplicate index keeps of a story: MinHash of its own words, numbers, exact key.

Quotations are left out of the sketch: independent reports of one event quote the same people
word for word, while a copy or a rewrite of a wire story shares its reporting too.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from zlib import crc32

import numpy as np
import numpy.typing as npt

from newsreader.difference import sentences

SHINGLE = 5  # words per shingle
PERMUTATIONS = 128
MIN_WORDS = 50  # shorter bodies match exactly or not at all
MIN_OWN_SHINGLES = 40  # fewer shingles outside quotations: the quotations count as well
NUMBERS_KEPT = 64  # at most this many of a story's distinct numbers (the smallest hashes)
# Of the shingles outside quotations, those whose hash is 0 modulo MARK_EVERY are kept exactly:
# two stories keep the same sample of the text they share, and the count is exact, where the
# sketch's estimate of a small overlap is not.
MARK_EVERY = 4

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
class Features:
    """What the index keeps of one story."""

    exact: int  # 0 when the story has no text at all
    sketch: npt.NDArray[np.uint16] | None  # None for a text too short to compare by similarity
    shingles: int  # shingles the sketch was made of
    numbers: npt.NDArray[np.uint32]  # sorted hashes of its distinct numbers, NUMBERS_KEPT at most
    number_count: int  # how many distinct numbers it has
    marks: npt.NDArray[np.uint16]  # sorted sample of the shingles outside quotations
    facts: npt.NDArray[np.uint64]  # per sentence with numbers: its numbers' hash << 32 | its own


# Words every kind of boilerplate above contains. A text holding none of them has no
# boilerplate sentence, and its sentences need not be found: a third of a story's features.
_BOILERPLATE_WORDS = (
    "this article was generated", "assistance", "reporting", "writing by", "editing by",
    "write to", "also read", "read more", "catch all the", "download the", "subscribe to",
    "sign up for", "follow us", "copyright", "©",
)  # fmt: skip


def _body(paragraphs: Sequence[str]) -> str:
    """The story's text without the boilerplate sentences."""
    return _body_folded(paragraphs)[0]


def _body_folded(paragraphs: Sequence[str]) -> tuple[str, str]:
    """The story's text without the boilerplate sentences, and that text casefolded."""
    # The sentences joined by spaces are exactly this: the paragraphs, whitespace folded.
    body = " ".join(" ".join(paragraphs).split())
    folded = body.lower() if body.isascii() else body.casefold()
    # casefold keeps the dotless ı, which IGNORECASE matches with i.
    lowered = folded.replace("ı", "i")
    if not any(word in lowered for word in _BOILERPLATE_WORDS):
        return body, folded
    body = " ".join(s for s in sentences(paragraphs) if not _BOILERPLATE.match(s))
    return body, body.casefold()


# \w on ASCII text: letters, digits and the underscore; every other byte separates words.
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() or c == ord("_") else 32 for c in range(128))
_ASCII_WORDS = _ASCII_WORD_BYTES + b" " * 128
_UTF8_PIECES = _ASCII_WORD_BYTES + bytes(range(128, 256))  # UTF-8 sequences kept whole
_SEPARATORS = tuple(mark.encode() for mark in "“”‘’—–…«»•")


def _words(folded: str) -> list[bytes]:
    """The \\w+ runs of casefolded text, UTF-8 encoded."""
    # Split at ASCII separators by byte table, several times faster than the regular
    # expression; only the pieces holding other characters (quotes, dashes, letters of other
    # scripts) are split further by it. No \\w run crosses an ASCII separator.
    if folded.isascii():
        return folded.encode().translate(_ASCII_WORDS).split()
    data = folded.encode("utf-8", "surrogatepass")
    # News is ASCII but for its quote marks and dashes: once they are spaces (none is part of
    # a word), most texts take the fast way.
    for mark in _SEPARATORS:
        data = data.replace(mark, b" ")
    if data.isascii():
        return data.translate(_ASCII_WORDS).split()
    words: list[bytes] = []
    for piece in data.translate(_UTF8_PIECES).split():
        if piece.isascii():
            words.append(piece)
        else:
            text = piece.decode("utf-8", "surrogatepass")
            words += [word.encode() for word in _WORD.findall(text)]
    return words


def _shingle_hashes(words: Sequence[bytes]) -> npt.NDArray[np.uint64]:
    """32-bit hashes (in uint64) of the word 5-shingles; one shingle of all words if fewer."""
    return _shingles_of(np.fromiter(map(crc32, words), dtype=np.uint64, count=len(words)))


def _shingles_of(w: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """`_shingle_hashes` from the words' CRC-32 hashes."""
    span = min(SHINGLE, len(w))
    count = len(w) - span + 1
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


def _numbers(matches: Sequence[re.Match[str]]) -> tuple[npt.NDArray[np.uint32], int]:
    found = {m.group().replace(",", "") for m in matches}
    hashes = sorted(crc32(n.encode()) for n in found)[:NUMBERS_KEPT]
    return np.array(hashes, dtype=np.uint32), len(found)


def features(title: str, paragraphs: Sequence[str]) -> Features:
    """What the index compares of a story; pure, so it can be worked out in another process."""
    body, folded = _body_folded(paragraphs)
    words = _words(folded)
    title_words = _words(title.casefold())
    exact = 0
    if words or title_words:
        key = b" ".join(title_words) + b"\n" + b" ".join(words)
        exact = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") or 1
    sketch, count, marks = None, 0, _NO_MARKS
    if len(words) >= MIN_WORDS:
        shingles = _own_shingles(folded, words)
        # Repeated shingles counted too: rare in news, and sorting them out costs a sort.
        sketch, count = _minhash(shingles), len(shingles)
        # The top 16 bits (the low ones chose the sample): two stories' ~100 marks agree by
        # chance a sixth of the time. Sorted, not made unique: a repeated shingle is rare.
        sampled = shingles[shingles % np.uint64(MARK_EVERY) == 0]
        marks = np.sort((sampled >> np.uint64(16)).astype(np.uint16))
    found = list(_NUMBER.finditer(body))
    numbers, number_count = _numbers(found)
    return Features(exact, sketch, count, numbers, number_count, marks, _facts(body, found))


_NO_MARKS = np.zeros(0, dtype=np.uint16)
_NO_FACTS = np.zeros(0, dtype=np.uint64)
# A sentence is not reworded for saying "yesterday" where the wire said "today".
_DAYS = frozenset((b"today", b"yesterday", b"tonight", b"tomorrow"))
_DAY = re.compile(rb"to(?:day|night|morrow)|yesterday")  # in a word or not: then look closer


def _facts(body: str, numbers: Sequence[re.Match[str]]) -> npt.NDArray[np.uint64]:
    """Each sentence outside quotations that holds `numbers`: its numbers, and its words.

    A rewrite rewords a sentence but keeps its facts: the same numbers in a sentence whose
    words changed are a trace of the source that a shared background paragraph does not leave.
    """
    if not numbers:
        return _NO_FACTS
    # Sentences cut roughly (the body's whitespace is folded to single spaces): the same text
    # is always cut the same way, which is all a comparison of two versions needs.
    pieces = body.replace("! ", ". ").replace("? ", ". ").split(". ")
    ends = list(accumulate(len(piece) + 2 for piece in pieces))
    by_sentence: dict[int, set[str]] = {}
    for m in numbers:
        by_sentence.setdefault(bisect_right(ends, m.start()), set()).add(m.group().replace(",", ""))
    found = set()
    for at, held in by_sentence.items():
        sentence = pieces[at]
        if _OPENS.search(sentence):
            continue
        # Its ASCII words (a cheaper cut than `_words`; the same text always cuts the same way).
        cut = sentence.casefold().encode("utf-8", "surrogatepass").translate(_ASCII_WORDS)
        text = b" ".join(cut.split())
        if _DAY.search(text):
            text = b" ".join(w for w in text.split() if w not in _DAYS)
        found.add(crc32(" ".join(sorted(held)).encode()) << 32 | crc32(text))
    return np.array(sorted(found), dtype=np.uint64)


# A quotation: in double quotes, or in single quotes opened before a word and closed after one
# (an apostrophe inside a word closes nothing). 600 characters at most, so that a stray quote
# mark cannot hide the rest of a story.
_QUOTATION = re.compile(
    r"[\"“”][^\"“”]{1,600}[\"“”]"
    # The quote mark first, then what precedes it: the engine tries only at quote marks.
    r"|['‘](?<![\w'‘’]['‘])(?=\w)[^\n]{1,600}?(?<=[\w.,!?])['’](?![\w'‘’])"
)
# A quotation opens with one of these (an apostrophe inside a word opens nothing).
_OPENINGS = ('"', "“", "”", "‘", " '", "('")
_OPENS = re.compile("^'|[\"“”‘]| '|\\('")  # one of them, or a single quote first
# Stands for a quotation: no shingle spans it. A lone underscore in a story's own text is
# taken for one too, which only drops the shingles around it.
_GAP = " _ "
_GAP_HASH = np.uint64(crc32(b"_"))


def _own_shingles(folded: str, words: list[bytes]) -> npt.NDArray[np.uint64]:
    """Shingle hashes of the text outside quotations; of all of it when that is too little."""
    if not any(mark in folded for mark in _OPENINGS) and not folded.startswith("'"):
        return _shingle_hashes(words)
    gapped_text, quotations = _QUOTATION.subn(_GAP, folded)
    if not quotations:
        return _shingle_hashes(words)
    gapped = _words(gapped_text)
    w = np.fromiter(map(crc32, gapped), dtype=np.uint64, count=len(gapped))
    hashes = _shingles_of(w)
    gaps = (w == _GAP_HASH).astype(np.int64)
    span = min(SHINGLE, len(gapped))
    ends = np.cumsum(np.concatenate(([0], gaps)))
    clean = ends[span:] - ends[: len(ends) - span] == 0
    own = hashes[clean]
    return own if len(own) >= MIN_OWN_SHINGLES else _shingle_hashes(words)


def similarity(a_paragraphs: Sequence[str], b_paragraphs: Sequence[str]) -> float:
    """Exact Jaccard similarity of the two texts' word 5-shingles, boilerplate left out."""
    a_words = _words(_body(a_paragraphs).casefold())
    b_words = _words(_body(b_paragraphs).casefold())
    if not a_words or not b_words:
        return 0.0
    a = set(_shingle_hashes(a_words).tolist())
    b = set(_shingle_hashes(b_words).tolist())
    return len(a & b) / len(a | b)
