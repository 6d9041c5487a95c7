"""What outlets do to a wire story they republish, and how others report the same event.

The operations follow a hand-labelled corpus of wire copy and the newspaper articles made from
it (NOTES.md, "How outlets republish a wire story"): papers trim the wire, drop the agency
byline and the dateline, turn "today" into "yesterday", rewrite the lead and the headline,
merge and split paragraphs, reword sentences, add a line of their own and keep quotes verbatim.
Independent reports of the same event share names, numbers and quotes, and little else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

Paragraphs = list[list[str]]

AGENCIES = ("PA News", "Wire Service", "Press Agency")
_BYLINE = re.compile(r"^By [A-Z][\w ]+, (?:" + "|".join(AGENCIES) + r")$")
_DATELINE = re.compile(r"^[A-Z]+ \(Wire\) - |^[A-Z]+—")
_QUOTED = re.compile(r"[\"“”‘']")


def is_quote(sentence: str) -> bool:
    """Whether the sentence holds a quotation."""
    return bool(_QUOTED.search(sentence))


def quoted(rng: np.random.Generator, sentence: str, name: str) -> str:
    """The sentence as someone's words, in one of the ways papers print them."""
    words = sentence.rstrip(".")
    style = int(rng.integers(4))
    if style == 0:
        return f"“{words},” {name} said."
    if style == 1:
        return f'{name} said: "{words}."'
    if style == 2:
        return f"'{words},' {name} told the court."
    return f"“{words},” said {name}."


def _sentences(paragraphs: Paragraphs) -> list[str]:
    return [s for p in paragraphs for s in p]


def _regroup(rng: np.random.Generator, body: list[str], merge: float) -> Paragraphs:
    """The sentences in new paragraphs: more per paragraph when `merge` is high."""
    out: Paragraphs = []
    i = 0
    while i < len(body):
        size = 1 + int(rng.binomial(3, merge))
        out.append(body[i : i + size])
        i += size
    return out


def _house_style(rng: np.random.Generator, body: list[str]) -> list[str]:
    """Byline and dateline dropped, "today" turned into "yesterday": a day later, in print."""
    body = [s for s in body if not _BYLINE.match(s)]
    if body and rng.random() < 0.8:
        body[0] = _DATELINE.sub("", body[0])
        body[0] = body[0][:1].upper() + body[0][1:]
    if rng.random() < 0.8:
        body = [s.replace(" today", " yesterday") for s in body]
    return body


def trimmed(rng: np.random.Generator, paragraphs: Paragraphs) -> Paragraphs:
    """A copy cut after its first 35–75 %, in the paper's house style, otherwise verbatim."""
    body = _house_style(rng, _sentences(paragraphs))
    keep = max(3, int(len(body) * rng.uniform(0.35, 0.75)))
    return _regroup(rng, body[:keep], 0.4)


def _reworded(rng: np.random.Generator, sentence: str, vocabulary: Sequence[str]) -> str:
    """The sentence with about half its words replaced, some dropped, its clauses turned.

    Names and numbers are facts: they stay.
    """
    words = sentence.rstrip(".").split(" ")
    out = []
    for word in words:
        roll = rng.random()
        if word[:1].isupper() or word[:1].isdigit() or word[:1] == "$":
            out.append(word)
            continue
        if roll < 0.1 and len(words) > 6:
            continue
        out.append(vocabulary[int(rng.integers(len(vocabulary)))] if roll < 0.45 else word)
    if len(out) > 8 and rng.random() < 0.4:
        cut = int(rng.integers(3, len(out) - 3))
        out = out[cut:] + out[:cut]
    text = " ".join(out)
    return text[:1].upper() + text[1:] + "."


def rewritten(
    rng: np.random.Generator,
    paragraphs: Paragraphs,
    own: Sequence[str],
    vocabulary: Sequence[str],
) -> Paragraphs:
    """A paper's own version: lead rewritten, trimmed, reworded in part, quotes kept.

    `own` holds sentences the paper writes itself: the first is its lead, the rest are added
    local lines.
    """
    body = _house_style(rng, _sentences(paragraphs))
    keep = max(4, int(len(body) * rng.uniform(0.3, 1.0)))
    body = body[1:keep]
    reword = float(rng.uniform(0.1, 1.0))
    body = [
        s if is_quote(s) or rng.random() >= reword else _reworded(rng, s, vocabulary) for s in body
    ]
    for line in own[1:]:
        body.insert(int(rng.integers(1, len(body) + 1)), line)
    return _regroup(rng, [own[0], *body], float(rng.uniform(0.1, 0.7)))


def independent(
    rng: np.random.Generator, paragraphs: Paragraphs, own: Sequence[str], heavy: bool
) -> Paragraphs:
    """Another reporter's story of the same event: its own words around some shared quotes.

    Most reports share a quote or two; a `heavy` one (a courtroom, a statement read out)
    shares most of them.
    """
    quotes = [s for s in _sentences(paragraphs) if is_quote(s)]
    if not quotes:
        return _regroup(rng, list(own), 0.4)
    count = len(quotes) if heavy else min(len(quotes), 1 + int(rng.integers(2)))
    chosen = sorted(rng.choice(len(quotes), size=count, replace=False).tolist())
    body = list(own)
    for q in chosen:
        body.insert(int(rng.integers(1, len(body) + 1)), quotes[q])
    return _regroup(rng, body, 0.4)
