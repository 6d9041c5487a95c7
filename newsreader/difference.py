"""What differs between two versions of a story: headline words, whole sentences, text shared."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A sentence ends at . ! or ? (and any closing quotes or brackets) before a space and a capital,
# a digit or an opening quote.
_BREAK = re.compile(r"[.!?]['\"’”)\]]*(?=\s+['\"‘“(\[]?[A-Z0-9])")
_WORD = re.compile(r"\w+")
RUN = 5  # words in a run of text that counts as shared
COPY_SHARE = 0.8  # share of the shorter version's text in common from which it is a copy
# Full stops that do not end a sentence: titles, initials, "U.S."
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|St|Jr|Sr|No|Inc|Corp|Co|Ltd"
    r"|vs|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)|\b[A-Z]|\b[A-Z]\.[A-Z])\.$"
)


@dataclass(frozen=True)
class Difference:
    """Headline words and sentences that one version of a story has and the other has not."""

    title_removed: tuple[str, ...]
    title_added: tuple[str, ...]
    sentences_removed: tuple[str, ...]
    sentences_added: tuple[str, ...]
    in_common: float = 1.0  # share of the shorter version's 5-word runs the other one holds

    @property
    def relation(self) -> str:
        """ "copy" when the versions are near-identical (one may be cut short), else "rewrite"."""
        return "copy" if self.in_common >= COPY_SHARE else "rewrite"


def sentences(paragraphs: Sequence[str]) -> list[str]:
    """The sentences of `paragraphs` in order, whitespace folded."""
    out: list[str] = []
    for paragraph in paragraphs:
        text = " ".join(paragraph.split())
        start = 0
        for match in _BREAK.finditer(text):
            if not _ABBREVIATION.search(text, start, match.end()):
                out.append(text[start : match.end()])
                start = match.end() + 1
        if start < len(text):
            out.append(text[start:])
    return out


def _runs(sentences: Sequence[str]) -> set[tuple[str, ...]]:
    """Each sentence's runs of RUN words (the whole sentence if shorter), casefolded.

    Within sentences, so that a sentence moved elsewhere keeps all its runs.
    """
    runs: set[tuple[str, ...]] = set()
    for sentence in sentences:
        words = _WORD.findall(sentence.casefold())
        span = min(RUN, len(words))
        runs.update(
            tuple(words[i : i + span]) for i in range(len(words) - span + 1 if words else 0)
        )
    return runs


def _key(sentence: str) -> str:
    return " ".join(sentence.casefold().split())


def difference(
    a_title: str, a_paragraphs: Sequence[str], b_title: str, b_paragraphs: Sequence[str]
) -> Difference:
    """What version b changed from version a: headline words and sentences removed and added."""
    return Original(a_title, a_paragraphs).changed_in(b_title, b_paragraphs)


class Original:
    """A version of a story split into headline words and sentences once, to compare others to."""

    def __init__(self, title: str, paragraphs: Sequence[str]) -> None:
        self.words = title.split()
        self.sentences = sentences(paragraphs)
        self.keys = {_key(s) for s in self.sentences}
        self.runs = _runs(self.sentences)

    def changed_in(self, b_title: str, b_paragraphs: Sequence[str]) -> Difference:
        """What version b changed from this one: headline words and sentences removed, added."""
        a_words, b_words = self.words, b_title.split()
        removed: list[str] = []
        added: list[str] = []
        matcher = difflib.SequenceMatcher(a=a_words, b=b_words, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "delete"):
                removed += a_words[i1:i2]
            if tag in ("replace", "insert"):
                added += b_words[j1:j2]
        b_sentences = sentences(b_paragraphs)
        b_keys = {_key(s) for s in b_sentences}
        # A sentence only moved to another place is not a change worth showing.
        gone = {_key(s): s for s in self.sentences if _key(s) not in b_keys}
        new = {_key(s): s for s in b_sentences if _key(s) not in self.keys}
        runs = _runs(b_sentences)
        fewer = min(len(runs), len(self.runs))
        in_common = len(runs & self.runs) / fewer if fewer else float(runs == self.runs)
        return Difference(
            tuple(removed), tuple(added), tuple(gone.values()), tuple(new.values()), in_common
        )
