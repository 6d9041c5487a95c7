"""Synthetic dumps in the aggregator's text layout, with known duplicate groups in truth.json.

Groups are news stories (on a topic shared with other groups), templated stories (one template
filled with other numbers) and short stories. A group appears once, then maybe again as exact
reposts and near-duplicate edits (headline words swapped, sentences replaced, another dateline
or footer, a trimmed ending). Everything comes from one seeded generator: the same arguments
always write the same files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsreader.bench import republish

TRUTH_FILE = "truth.json"
GENERATOR = 2  # 2: wire stories with quotes, trimmed copies, rewrites, independent reports
_WORDS = """the of and to a in that is was he for it with as his on be at by had are but from or
    have an they which one you were her all she there would their we him been has when who will
    more no if out so said what up its about into than them can only other new some could time
    these two may then do first any my now such like our over man me even most made after also
    did many before must through back years where much your way well down should because each
    just those people how too little state good very make world still own see men work long get
    here between both life being under never day same another know while last might us great old
    year off come since against go came right used take three states himself few house use during
    without again place around however home small found thought went say part once general high
    upon school every does got united left number course war until always away something fact
    though water less public put think almost hand enough far took head yet government system
    better set told nothing night end why called didn't eyes find going look asked later knew
    point next program city business give group toward young days let room president side social
    given present several order national possible rather second face per among form important
    often things looked early white case john become large big need four within felt along
    children saw best church ever least power development light thing seemed family interest
    want members mind country area others done turned although open god service certain kind
    problem began different door thus help sense means whole matter perhaps itself york times
    law human line above name example action company local show whether five history gave today
    either act feet across taken past quite anything having seen death experience body word half
    really week free minister market report officials deal talks court police party election
    policy trade economy prices bank leaders support plan security border forces attack"""
_COMMON = tuple(_WORDS.split())
_SYLLABLES = (
    "ka", "ro", "vin", "ma", "le", "ta", "su", "bra", "no", "di", "fen",
    "lo", "ar", "tis", "ven", "cor", "mi", "sha", "del", "ru", "pa",
)  # fmt: skip
_SOURCES = (
    "Hindustan Times", "Mint", "Time of India", "Reuters", "Bloomberg", "The Hindu", "NDTV",
    "Business Standard", "Associated Press", "The Economic Times", "India Today", "News18",
)  # fmt: skip
_FOOTERS = (
    "With assistance from {name}.",
    "This article was generated from an automated news agency feed without modifications to text.",
    "(Reporting by {name}; Editing by {other})",
    "The writer is a correspondent based in {place}.",
)
_FURNITURE = (
    "Orange background\n\nTry Our AI Features\n\nExplore what Daily8 AI can do for you:\n\n"
    "Comments\n\nNo comments yet...\n\nRelated Articles\n\n"
)
_FOOTER = (
    "DOWNLOAD THE APP\n\nGet Started Now: Download the App\n\nReady to dive into a world of global"
    " content with local flavor? Download Daily8 app today from your preferred app store and start"
    " exploring.\napp-storeplay-store"
)
# What becomes of a story seen again: reposted whole, copied with small edits, trimmed,
# rewritten by a paper, or reported again independently.
_EDITS = ("exact", "near", "trimmed", "rewrite", "independent")
_EDIT_SHARES = (0.25, 0.2, 0.15, 0.25, 0.15)
_ZIPF = 1.0 / (np.arange(len(_COMMON)) + 8.0)
_ZIPF /= _ZIPF.sum()
_CUMULATIVE = np.cumsum(_ZIPF)


@dataclass
class _Text:
    """One version of a story: headline and paragraphs of sentences."""

    group: int
    variant: str  # original, exact, near, trimmed, rewrite or independent
    title: str
    paragraphs: list[list[str]]


@dataclass
class _Topic:
    words: np.ndarray
    names: list[str]
    places: list[str]
    stock: list[str] = field(default_factory=list)  # sentences its stories share now and then
    background: list[str] = field(default_factory=list)  # a block that follow-ups repeat whole


class _Writer:
    """The seeded generator of topics, templates and stories."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.common = np.array(_COMMON, dtype=object)

    def pseudo_word(self, syllables: int) -> str:
        parts = self.rng.integers(len(_SYLLABLES), size=syllables).tolist()
        return "".join(_SYLLABLES[p] for p in parts).capitalize()

    def pick(self, items: Sequence[str]) -> str:
        return items[int(self.rng.integers(len(items)))]

    def topic(self) -> _Topic:
        names = [f"{self.pseudo_word(2)} {self.pseudo_word(3)}" for _ in range(6)]
        places = [self.pseudo_word(3) for _ in range(5)]
        nouns = [self.pseudo_word(2).lower() for _ in range(12)]
        words = np.array([*names, *places, *nouns], dtype=object)
        t = _Topic(words, names, places)
        t.stock = self.sentences(90, t, 0.02)
        t.background = self.sentences(int(self.rng.integers(60, 120)), t, 0.02)
        return t

    def numbers(self, count: int) -> list[str]:
        """Numbers as news prints them: counts, percentages, money."""
        values = self.rng.integers(1, 100_000, size=count).tolist()
        styles = self.rng.integers(4, size=count).tolist()
        return [
            (f"{v:,}", f"{v % 200 / 10:.1f}%", f"${v / 100:.1f} billion", f"{v % 1000}")[s]
            for v, s in zip(values, styles, strict=True)
        ]

    def sentences(self, words: int, topic: _Topic | None, number_rate: float) -> list[str]:
        """Sentences of 8–24 words, about `words` words in all."""
        lengths = self.rng.integers(8, 25, size=words // 8 + 2)
        lengths = lengths[: int(np.searchsorted(np.cumsum(lengths), words)) + 1]
        total = int(lengths.sum())
        out = self.common[np.searchsorted(_CUMULATIVE, self.rng.random(total) * _CUMULATIVE[-1])]
        if topic is not None:
            mask = self.rng.random(total) < 0.2
            out[mask] = topic.words[self.rng.integers(len(topic.words), size=int(mask.sum()))]
        where = np.flatnonzero(self.rng.random(total) < number_rate)
        out[where] = self.numbers(len(where))
        flat: list[str] = out.tolist()
        ends = np.cumsum(lengths).tolist()
        result = []
        for start, end in zip([0, *ends[:-1]], ends, strict=True):
            s = " ".join(flat[start:end])
            result.append(s[0].upper() + s[1:] + ".")
        return result

    def title(self, topic: _Topic) -> str:
        words = [*self.common[self.rng.integers(60, len(_COMMON), size=5)]]
        words.insert(int(self.rng.integers(6)), self.pick(topic.names))
        words.insert(
            int(self.rng.integers(7)), str(topic.words[int(self.rng.integers(len(topic.words)))])
        )
        return " ".join(w[0].upper() + w[1:] for w in words)

    def paragraphs(self, sentences: list[str]) -> list[list[str]]:
        out, i = [], 0
        while i < len(sentences):
            size = int(self.rng.integers(1, 4))
            out.append(sentences[i : i + size])
            i += size
        return out

    def news(self, group: int, topic: _Topic) -> _Text:
        body = self.sentences(int(self.rng.integers(300, 700)), topic, 0.02)
        for s in self.rng.choice(
            len(topic.stock), size=int(self.rng.integers(1, 4)), replace=False
        ):
            body.insert(int(self.rng.integers(len(body))), topic.stock[s])
        if self.rng.random() < 0.4:
            at = int(self.rng.integers(len(body)))
            body[at:at] = topic.background
        # What wire copy holds and papers change: quotes, "today", a dateline, a byline.
        for i in np.flatnonzero(self.rng.random(len(body)) < 0.25).tolist():
            body[i] = republish.quoted(self.rng, body[i], self.pick(topic.names))
        for i in np.flatnonzero(self.rng.random(len(body)) < 0.1).tolist():
            if not republish.is_quote(body[i]):
                body[i] = body[i][:-1] + " today."
        if self.rng.random() < 0.5:
            body[0] = f"{self.pick(topic.places).upper()}—{body[0]}"
        paragraphs = self.paragraphs(body)
        if self.rng.random() < 0.5:
            agency = self.pick(republish.AGENCIES)
            paragraphs.insert(0, [f"By {self.pick(topic.names)}, {agency}"])
        return _Text(group, "original", self.title(topic), paragraphs)

    def trimmed(self, text: _Text) -> _Text:
        """A paper's copy of the wire: cut short, in its house style, otherwise verbatim."""
        return _Text(
            text.group, "trimmed", text.title, republish.trimmed(self.rng, text.paragraphs)
        )

    def rewrite(self, text: _Text, topic: _Topic) -> _Text:
        """A paper's own version of the wire story: new headline and lead, reworded in part."""
        own = self.sentences(int(self.rng.integers(30, 350)), topic, 0.02)
        paragraphs = republish.rewritten(self.rng, text.paragraphs, own, _COMMON)
        return _Text(text.group, "rewrite", self.title(topic), paragraphs)

    def independent(self, group: int, text: _Text, topic: _Topic) -> _Text:
        """Another reporter's story of the same event, sharing some of its quotes."""
        own = self.sentences(int(self.rng.integers(250, 600)), topic, 0.02)
        heavy = bool(self.rng.random() < 0.1)
        paragraphs = republish.independent(self.rng, text.paragraphs, own, heavy)
        return _Text(group, "independent", self.title(topic), paragraphs)

    def short(self, group: int, topic: _Topic) -> _Text:
        body = self.sentences(int(self.rng.integers(20, 40)), topic, 0.02)
        return _Text(group, "original", self.title(topic), [body])

    def template(self) -> tuple[str, list[str]]:
        """A title and sentences with `{}` slots for numbers, one slot per 12–35 words."""
        density = 1 / float(self.rng.uniform(12, 35))
        topic = self.topic()
        sentences = self.sentences(int(self.rng.integers(250, 450)), topic, 0.0)
        words = [s.split(" ") for s in sentences]
        for i, ws in enumerate(words):
            slots = self.rng.random(len(ws) - 1) < density
            words[i] = [
                w if not slot else "{}" for w, slot in zip(ws, [*slots, False], strict=True)
            ]
        words[0].insert(1, str(self.rng.integers(2000, 2030)))  # a number every fill shares
        title = self.title(topic) + " {} {}"
        return title, [" ".join(ws) for ws in words]

    def templated(self, group: int, template: tuple[str, list[str]]) -> _Text:
        title, patterns = template
        fill = [p.format(*self.numbers(p.count("{}"))) for p in patterns]
        return _Text(group, "original", title.format(*self.numbers(2)), [fill])

    def near(self, text: _Text, topic: _Topic | None) -> _Text:
        """A wire copy: headline words swapped, 1–3 sentences replaced, maybe more changes."""
        title = text.title.split(" ")
        at = int(self.rng.integers(len(title)))
        swap = self.common[self.rng.integers(60, len(_COMMON), size=int(self.rng.integers(1, 3)))]
        title[at : at + 1] = [w.capitalize() for w in swap]
        sizes = [len(p) for p in text.paragraphs]
        body = [s for p in text.paragraphs for s in p]
        for i in self.rng.choice(len(body), min(len(body), int(self.rng.integers(1, 4))), False):
            body[i] = self.sentences(15, topic, 0.02)[0]
        if self.rng.random() < 0.5:
            place = self.pseudo_word(3).upper() if topic is None else topic.places[0].upper()
            body[0] = f"{place} (Wire) - {body[0].split('—', 1)[-1]}"
        if self.rng.random() < 0.3:
            body = body[: max(1, len(body) - int(len(body) * self.rng.uniform(0.05, 0.2)))]
        if self.rng.random() < 0.5:
            footer = self.pick(_FOOTERS)
            names = topic.names if topic else ["Ana Roe", "Ben Ito"]
            body.append(footer.format(name=names[0], other=names[1], place=self.pseudo_word(3)))
        paragraphs, i = [], 0
        for size in sizes:
            if i < len(body):
                paragraphs.append(body[i : i + size])
            i += size
        paragraphs[-1].extend(body[i:])
        return _Text(text.group, "near", " ".join(title), paragraphs)


def _stories(writer: _Writer, stories: int) -> tuple[list[_Text], dict[str, dict[str, object]]]:
    """The stories in reading order and, per group, its kind, topic and template."""
    rng = writer.rng
    topics = [writer.topic() for _ in range(max(5, stories // 40))]
    templates = [writer.template() for _ in range(max(3, stories // 500))]
    texts: list[_Text] = []
    groups: dict[str, dict[str, object]] = {}
    while len(texts) < stories:
        group = len(groups)
        kind = str(rng.choice(["news", "templated", "short"], p=[0.8, 0.1, 0.1]))
        topic_no = int(rng.integers(len(topics))) if kind != "templated" else None
        template_no = int(rng.integers(len(templates))) if kind == "templated" else None
        topic = topics[topic_no] if topic_no is not None else None
        if topic is not None:
            first = writer.news(group, topic) if kind == "news" else writer.short(group, topic)
        else:
            first = writer.templated(group, templates[template_no or 0])
        groups[f"g{group}"] = {"kind": kind, "topic": topic_no, "template": template_no}
        texts.append(first)
        for _ in range(int(rng.choice(5, p=[0.55, 0.25, 0.12, 0.05, 0.03]))):
            edit = "exact" if kind == "short" else str(rng.choice(_EDITS, p=_EDIT_SHARES))
            if kind == "templated" and edit not in ("exact", "near"):
                edit = "near"
            if edit == "exact":
                texts.append(_Text(group, "exact", first.title, first.paragraphs))
            elif edit == "near" or topic is None:
                texts.append(writer.near(first, topic))
            elif edit == "trimmed":
                texts.append(writer.trimmed(first))
            elif edit == "rewrite":
                texts.append(writer.rewrite(first, topic))
            else:
                other = len(groups)
                groups[f"g{other}"] = {"kind": kind, "topic": topic_no, "template": None}
                groups[f"g{other}"]["event"] = f"g{group}"
                texts.append(writer.independent(other, first, topic))
    texts = texts[:stories]
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], groups


def _age(rng: np.random.Generator) -> str:
    count = int(rng.integers(1, 24))
    return f"{count} {'hours' if rng.random() < 0.5 else 'minutes'} ago"


def _dump(writer: _Writer, texts: Sequence[_Text]) -> str:
    rng = writer.rng
    main, related = texts[0], texts[1:]
    authors = [writer.pseudo_word(2) + " " + writer.pseudo_word(3) for _ in range(2)]
    emails = [a.lower().replace(" ", ".") + "@example.com" for a in authors]
    parts = [
        f"logo\n{main.title}\n\n{main.title}\n\n{writer.pick(_SOURCES)}{_age(rng)}\n",
        *(" ".join(p) + "\n" for p in main.paragraphs),
        f"Write to {authors[0]} at {emails[0]} and {authors[1]} at {emails[1]}\n",
        _FURNITURE,
    ]
    for story in related:
        source = writer.pick(_SOURCES)
        body = " ".join(s for p in story.paragraphs for s in p)
        parts.append(
            f"{story.title}\n{story.title}\n\n{source}\n\ntime{_age(rng)}\n\n  • {source}\n\n"
            f"{story.title}\n\n{body}\n\n"
        )
    parts.append(_FOOTER)
    return "".join(parts)


def generate(out: Path, stories: int, seed: int = 0) -> Path:
    """Write about `stories` stories as dumps into `out`, with `out`/truth.json; return `out`."""
    writer = _Writer(seed)
    texts, groups = _stories(writer, stories)
    out.mkdir(parents=True, exist_ok=True)
    dumps: dict[str, list[dict[str, str]]] = {}
    start = 0
    while start < len(texts):
        chunk = texts[start : start + 1 + int(writer.rng.integers(0, 6))]
        start += len(chunk)
        text = _dump(writer, chunk)
        digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        name = f"{len(dumps):06d}_{digest}.txt"
        (out / name).write_text(text, encoding="utf-8")
        dumps[name] = [{"group": f"g{t.group}", "variant": t.variant} for t in chunk]
    truth = {
        "generator": GENERATOR,
        "seed": seed,
        "stories": len(texts),
        "dumps": dumps,
        "groups": groups,
    }
    (out / TRUTH_FILE).write_text(json.dumps(truth, indent=0), encoding="utf-8")
    return out


def read_dump(text: str) -> list[tuple[str, list[str]]]:
    """Title and paragraphs of each story in a dump this module wrote, main story first."""
    lines = text.split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("Write to "))
    stories = [(lines[1], lines[6:end])]
    at = lines.index("Related Articles") + 2
    while lines[at] != "DOWNLOAD THE APP":
        stories.append((lines[at], [lines[at + 11]]))
        at += 13
    return stories


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: write a corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    generate(args.out, args.stories, args.seed)


if __name__ == "__main__":
    main()
