"""Words as search sees them: split, case- and accent-folded, hashed to 48-bit term keys.

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

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

# Term keys keep the top 48 bits of a 64-bit hash: the low 16 bits of a sort key hold a
# segment's local story number (see segments.py), so one np.sort orders postings by term and
# story at once. With a few million distinct terms, a chance collision of a query term with
# another term is below one in ten million.
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
_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def fold(text: str) -> str:
    """`text` casefolded, with accents and compatibility forms (ligatures, widths) removed."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
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


def _finish(h: U64) -> U64:
    h = h ^ (h >> np.uint64(30))
    h = h * _M1
    h = h ^ (h >> np.uint64(27))
    h = h * _M2
    return h ^ (h >> np.uint64(31))


def pair_hashes(first: U64, second: U64) -> U64:
    """Hashes of word pairs (`first[i]`, `second[i]`): the bigram terms that answer phrases."""
    return _finish(first * _K1 + second * _K2 + np.uint64(1))


def term_keys(hashes: U64) -> U64:
    """The 48-bit term keys a segment stores for 64-bit hashes."""
    return (hashes & KEY_MASK) >> np.uint64(DOC_BITS)


def word_key(word: str) -> int:
    """The term key of one folded word."""
    return int(term_keys(word_hashes([word]))[0])


def phrase_keys(phrase: Sequence[str]) -> list[int]:
    """The term keys a story must hold to contain `phrase`: its word, or its word pairs."""
    if len(phrase) == 1:
        return [word_key(phrase[0])]
    hashes = word_hashes(phrase)
    return [int(k) for k in term_keys(pair_hashes(hashes[:-1], hashes[1:]))]
