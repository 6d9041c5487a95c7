"""Words as search sees them: split, case- and accent-folded, hashed to 48-bit keys.

The index and the query language split text with the same functions, so a story matches a
query word exactly when the word is one of the story's words. A word is a run of letters and
digits; everything else separates words ("Trump’s" is `trump` and `s`, "U.S." is `u` and `s`).
Case and accents do not count: "Café", "CAFE" and "café" are one word.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from itertools import repeat

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

# Term keys keep the top 48 bits of a 64-bit hash: the low 16 bits of a sort key hold a
# segment's local story number (see segments.py), so one np.sort orders postings by term and
# story at once. With a million distinct words, a chance collision of a query word with
# another word is below one in a hundred million.
KEY_BITS = 48
DOC_BITS = 64 - KEY_BITS
KEY_MASK = np.uint64(((1 << KEY_BITS) - 1) << DOC_BITS)

# ASCII letters lowered and digits kept, every other ASCII byte a separator; bytes of UTF-8
# sequences are kept whole and folded per distinct token (see `fold_token`), because `translate`
# and `split` on bytes are several times faster than a regular expression on every story.
_TABLE = bytes(
    (ord(chr(c).lower()) if chr(c).isalnum() else 32) if c < 128 else c for c in range(256)
)
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """`text` casefolded, with accents and compatibility forms (ligatures, widths) removed."""
    if text.isascii():
        return text.lower()
    text = text.casefold()
    # Most non-ASCII news text is only quotes and dashes, which decomposition leaves alone:
    # the check is C-fast, the character loop below is not.
    if unicodedata.is_normalized("NFKD", text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def raw_tokens(text: str) -> list[bytes]:
    """`text` split at ASCII separators into UTF-8 pieces, ASCII letters lowered."""
    return text.encode("utf-8", "replace").translate(_TABLE).split()


def fold_token(raw: bytes) -> tuple[str, ...]:
    """The words of one raw token: itself when ASCII, else folded and split at non-letters."""
    if raw.isascii():
        return (raw.decode(),)
    return tuple(_WORD.findall(fold(raw.decode("utf-8", "replace"))))


def words(text: str) -> list[str]:
    """The words of `text` in order, folded: what the index stores and a query looks for."""
    return [word for raw in raw_tokens(text) for word in fold_token(raw)]


def word_hashes(folded: Sequence[str]) -> U64:
    """64-bit hashes of folded words (blake2b: stable across processes and machines)."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
            for w in folded
        ],
        dtype=np.uint64,
    )


# Raw token -> the masked hash of its word, or of its words, kept across the stories of one
# process: news vocabulary repeats, and folding and hashing a token costs far more than
# looking it up. Most tokens are one word, and have a dict of their own that `map` can read.
_ONE_WORD: dict[bytes, int] = {}
_OTHER_WORDS: dict[bytes, tuple[int, ...]] = {}
_CACHED_TOKENS = 500_000
_MISSED = 1
_KEY_MASK = int(KEY_MASK)


def story_terms(title: str, paragraphs: Sequence[str]) -> U64:
    """The sort keys of a story's distinct words with the local story number left zero, sorted.

    What a segment stores for the story, worked out where the story is read (an import's
    worker processes) rather than by the process that writes the segment.
    """
    raw = raw_tokens("\n".join((title, *paragraphs)))
    # Every token looked up, repeats too: cheaper than making a set of them first. A token
    # not cached reads as _MISSED, which no key can be (their low DOC_BITS are zero).
    keys = np.fromiter(map(_ONE_WORD.get, raw, repeat(_MISSED)), dtype=np.uint64, count=len(raw))
    missed = keys == np.uint64(_MISSED)
    if missed.any():
        # The tokens missed, found by their place: looking each token up again costs more.
        found: list[int] = []
        for token in {raw[at] for at in np.flatnonzero(missed).tolist()}:
            known = _OTHER_WORDS.get(token)
            found += _learn(token) if known is None else known
        keys = np.concatenate((keys[~missed], np.array(found, dtype=np.uint64)))
    keys.sort()
    return _distinct_sorted(keys)


def _distinct_sorted(keys: U64) -> U64:
    """`keys`, sorted already, each once (np.unique without its sort)."""
    if keys.size < 2:
        return keys
    fresh = np.empty(keys.size, dtype=bool)
    fresh[0] = True
    np.not_equal(keys[1:], keys[:-1], out=fresh[1:])
    return keys[fresh]


def _learn(token: bytes) -> tuple[int, ...]:
    """The keys of a token's words, remembered for the next story."""
    if len(_ONE_WORD) + len(_OTHER_WORDS) >= _CACHED_TOKENS:
        _ONE_WORD.clear()
        _OTHER_WORDS.clear()
    keys = tuple(
        int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little") & _KEY_MASK
        for w in fold_token(token)
    )
    if len(keys) == 1:
        _ONE_WORD[token] = keys[0]
    else:
        _OTHER_WORDS[token] = keys
    return keys


def term_keys(hashes: U64) -> U64:
    """The 48-bit term keys a segment stores for 64-bit hashes."""
    return (hashes & KEY_MASK) >> np.uint64(DOC_BITS)


def word_key(word: str) -> int:
    """The term key of one folded word."""
    return int(term_keys(word_hashes([word]))[0])


def has_phrase(found: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether the word list `found` holds the words of `phrase` one after the other."""
    n, first = len(phrase), phrase[0]
    return any(
        found[i] == first and list(found[i : i + n]) == list(phrase)
        for i in range(len(found) - n + 1)
    )


class PhraseMatcher:
    """Tells whether a text holds a phrase, as `words` would split it, without splitting it."""

    def __init__(self, phrase: Sequence[str]) -> None:
        self.phrase = tuple(phrase)
        escaped = [re.escape(word) for word in self.phrase]
        # Words are runs of letters and digits of the folded text: on ASCII text [a-z0-9] once
        # lowered, elsewhere what \w matches but the underscore. The patterns start with the
        # first word itself, which re searches for many times faster than a look-behind; the
        # character before a match is checked by hand instead.
        self._ascii = re.compile("[^a-z0-9]+".join(escaped) + "(?![a-z0-9])")
        self._unicode = re.compile(r"[\W_]+".join(escaped) + r"(?![^\W_])")

    def __call__(self, text: str) -> bool:
        """Whether `text` holds the phrase."""
        if text.isascii():
            return _starts_word(self._ascii, text.lower())
        return _starts_word(self._unicode, fold(text))


def _starts_word(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` matches `text` somewhere a word starts."""
    found = pattern.search(text)
    while found is not None:
        start = found.start()
        if start == 0 or not text[start - 1].isalnum():
            return True
        found = pattern.search(text, start + 1)
    return False
