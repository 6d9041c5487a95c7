"""How an extracted page is scored against its reference: body, snippets, title, authors, date.

Body F1 over 4-word shingles follows the article-extraction-benchmark's evaluate.py (tokens are
`\\w+` runs; per page, true/false positives and negatives on the shingle multisets, normalised
to sum to 1; precision averaged over pages with a prediction, recall over pages with a
reference). Bag of words follows WCXB: the mean over pages of the F1 of lower-cased words.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# What follows a name in a byline and is not a person: degrees, credentials, roles.
_CREDENTIAL = re.compile(r"^(?:[A-Z][A-Za-z.\-]*[A-Z.](?:\s+\d+)?|Ph\.?\s?D\.?|Jr\.?|Sr\.?)$")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Counts:
    """Normalised shingle counts of one page: true positives, false positives, negatives."""

    tp: float
    fp: float
    fn: float
    predicted: bool
    expected: bool


def words(text: str) -> list[str]:
    """The `\\w+` tokens of `text`, as the article-extraction-benchmark cuts them."""
    return _WORD.findall(text)


def shingle_counts(text: str, size: int) -> Counter[tuple[str, ...]]:
    """The multiset of `size`-word shingles of `text` (one shingle for shorter texts)."""
    tokens = words(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))


def shingle_page(expected: str, extracted: str, size: int = 4) -> Counts:
    """One page's normalised counts (evaluate.py's `string_shingle_matching`)."""
    truth, found = shingle_counts(expected, size), shingle_counts(extracted, size)
    tp = sum((truth & found).values())
    fp = sum((found - truth).values())
    fn = sum((truth - found).values())
    total = tp + fp + fn
    if not total:
        return Counts(1.0, 0.0, 0.0, bool(found), bool(truth))
    return Counts(tp / total, fp / total, fn / total, bool(found), bool(truth))


def shingle_prf(pages: Sequence[Counts]) -> tuple[float, float, float]:
    """Precision, recall and F1 over pages, the benchmark's way."""
    precisions = [c.tp / (c.tp + c.fp) for c in pages if c.predicted and c.tp + c.fp]
    precisions += [0.0 for c in pages if c.predicted and not c.tp + c.fp]
    recalls = [c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0 for c in pages if c.expected]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bag_of_words_f1(expected: str, extracted: str) -> float:
    """WCXB's per-page score: F1 of the multisets of lower-cased words."""
    truth, found = Counter(words(expected.lower())), Counter(words(extracted.lower()))
    common = sum((truth & found).values())
    if not common:
        return 1.0 if not truth and not found else 0.0
    p, r = common / sum(found.values()), common / sum(truth.values())
    return 2 * p * r / (p + r)


def _joined(text: str) -> str:
    """Lower-cased words joined by single spaces, with spaces at both ends."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " " + " ".join(words(folded)) + " "


def contains(body: str, snippet: str) -> bool:
    """Whether `snippet`'s words appear, in order and whole, in `body`."""
    needle = _joined(snippet)
    return needle.strip() != "" and needle in _joined(body)


def snippets(body: str, must: Sequence[str], must_not: Sequence[str]) -> tuple[float, float]:
    """The share of `must` found in `body` (recall) and of `must_not` left out (precision)."""
    joined = _joined(body)
    found = [_joined(s) in joined for s in must if _joined(s).strip()]
    left_out = [_joined(s) not in joined for s in must_not if _joined(s).strip()]
    recall = statistics.fmean(found) if found else 1.0
    precision = statistics.fmean(left_out) if left_out else 1.0
    return recall, precision


def same_title(expected: str, extracted: str) -> bool:
    """Whether the titles have the same words (case and punctuation aside)."""
    return _joined(expected) == _joined(extracted)


def reference_people(author: str | None) -> frozenset[str]:
    """The people a reference author string names, credentials and roles left out."""
    names = set()
    for part in _NAME_SPLIT.split(author or ""):
        part = re.sub(r"^(?:dr|prof)\.?\s+", "", part.strip(" ."), flags=re.IGNORECASE)
        if part and not _CREDENTIAL.match(part):
            names.add(_joined(part).strip())
    return frozenset(name for name in names if name)


def same_authors(expected: str | None, extracted: Sequence[str]) -> bool:
    """Whether the extracted authors are exactly the people of the reference (none for none)."""
    found = frozenset(_joined(name).strip() for name in extracted) - {""}
    return found == reference_people(expected)


def same_date(expected: str | None, extracted: str | None) -> bool:
    """Whether the publication days agree (no date for no date)."""
    if not expected:
        return not extracted
    return bool(extracted) and str(extracted)[:10] == expected[:10]


def same_url(expected: str | None, extracted: str | None) -> bool:
    """Whether the addresses name the same page (scheme, `www.`, a final slash and case aside)."""

    def key(url: str | None) -> str:
        url = (url or "").strip().lower().split("#")[0]
        url = re.sub(r"^https?://(?:www\.)?", "", url)
        return url.rstrip("/")

    return key(expected) == key(extracted)
