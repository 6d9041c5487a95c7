"""How well DuplicateIndex finds the known groups of a synthetic corpus, and how fast.

python -m newsreader.bench.dedup_quality --stories 1000 10000 100000
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader.bench.corpus import GENERATOR, TRUTH_FILE, generate, read_dump
from newsreader.dedup import THRESHOLD, DuplicateIndex


@dataclass(frozen=True)
class Corpus:
    """Stories in import order with their true group, topic, template, kind and event."""

    stories: list[tuple[str, list[str]]]
    groups: list[str]
    topics: list[int | None]
    templates: list[int | None]
    variants: list[str]  # original, exact, near, trimmed, rewrite or independent
    events: list[str]  # the group whose event a story reports: its own, or the one it follows


@dataclass(frozen=True)
class Result:
    """One row of the table."""

    stories: int
    precision: float
    recall: float
    same_topic: int
    same_topic_pairs: int
    templated: int
    templated_pairs: int
    ms_median: float
    ms_mean: float
    peak_mb: float
    kinds: dict[str, tuple[int, int]]  # per kind of version: (folded, of how many)


def corpus(folder: Path, stories: int, seed: int) -> Corpus:
    """Read the corpus in `folder`, writing it first unless one of that size and seed is there."""
    truth_file = folder / TRUTH_FILE
    truth = json.loads(truth_file.read_text()) if truth_file.exists() else {}
    made = (truth.get("stories"), truth.get("seed"), truth.get("generator"))
    if made != (stories, seed, GENERATOR):
        generate(folder, stories, seed)
        truth = json.loads(truth_file.read_text())
    out = Corpus([], [], [], [], [], [])
    for name in sorted(truth["dumps"]):
        found = read_dump((folder / name).read_text(encoding="utf-8"))
        for story, label in zip(found, truth["dumps"][name], strict=True):
            out.stories.append(story)
            add_label(out, truth, label)
    return out


def add_label(out: Corpus, truth: dict[str, Any], label: dict[str, str]) -> None:
    """Append one story's truth (`label`, from truth.json's `dumps`) to `out`'s labels."""
    info = truth["groups"][label["group"]]
    out.groups.append(label["group"])
    out.topics.append(info["topic"])
    out.templates.append(info["template"])
    out.variants.append(label["variant"])
    out.events.append(info.get("event", label["group"]))


def feed(
    stories: Sequence[tuple[str, list[str]]], threshold: float
) -> tuple[list[int], list[float]]:
    """Find then add each story; its predicted group (a union of what was found), and times."""
    index = DuplicateIndex(threshold=threshold)
    parent = list(range(len(stories)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seconds = []
    for i, (title, paragraphs) in enumerate(stories):
        started = time.perf_counter()
        found = index.find(str(i), title, paragraphs)
        index.add(str(i), title, paragraphs)
        seconds.append(time.perf_counter() - started)
        for other in found:
            parent[root(int(other))] = root(i)
    return [root(i) for i in range(len(stories))], seconds


def peak_mb(stories: Sequence[tuple[str, list[str]]], threshold: float) -> float:
    """Peak memory allocated while a fresh index takes in the stories, in MiB."""
    index = DuplicateIndex(threshold=threshold)
    ids = [str(i) for i in range(len(stories))]
    tracemalloc.start()
    for sid, (title, paragraphs) in zip(ids, stories, strict=True):
        index.find(sid, title, paragraphs)
        index.add(sid, title, paragraphs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _pairs(*labels: Sequence[Hashable]) -> int:
    """Pairs of stories that agree on every one of `labels`."""
    return sum(c * (c - 1) // 2 for c in Counter(zip(*labels, strict=True)).values())


def _false_merges(
    pred: Sequence[Hashable], truth: list[str], by: list[int | None]
) -> tuple[int, int]:
    """Pairs merged though of different groups sharing `by`, and how many such pairs exist."""
    keep = [i for i, value in enumerate(by) if value is not None]
    p, t, b = ([x[i] for i in keep] for x in (pred, truth, by))
    return _pairs(p, b) - _pairs(p, t), _pairs(b) - _pairs(t)


def measure(c: Corpus, threshold: float, memory: bool = True) -> Result:
    """Feed the corpus to a fresh index and score its groups against the truth."""
    pred, seconds = feed(c.stories, threshold)
    # A second pass, because tracing allocations slows the first one down.
    peak = peak_mb(c.stories, threshold) if memory else 0.0
    ms = [s * 1000 for s in seconds]
    return score(c, pred, statistics.median(ms), statistics.fmean(ms), peak)


def score(
    c: Corpus, pred: Sequence[Hashable], ms_median: float, ms_mean: float, peak: float
) -> Result:
    """Score predicted groups `pred` (one label per story of `c`) against `c`'s truth.

    Precision and recall are over pairs of stories: a pair is predicted when both stories
    are in one predicted group, true when both are in one true group (an independent report
    is a group of its own).
    """
    both = _pairs(pred, c.groups)
    predicted, true = _pairs(pred), _pairs(c.groups)
    return Result(
        len(c.groups),
        both / predicted if predicted else 1.0,
        both / true if true else 1.0,
        *_false_merges(pred, c.groups, c.topics),
        *_false_merges(pred, c.groups, c.templates),
        ms_median,
        ms_mean,
        peak,
        folded_by_kind(c, pred),
    )


KINDS = {
    "exact": "exact repost",
    "near": "near-copy",
    "trimmed": "trimmed copy",
    "rewrite": "rewrite",
    "independent": "independent report of the same event",
    "different": "same-topic different story",
}


def folded_by_kind(c: Corpus, pred: Sequence[Hashable]) -> dict[str, tuple[int, int]]:
    """Per kind of version, how many were folded with the story they come from (or report).

    A copy counts when it is folded with its group's original; an independent report when it is
    folded with the story whose event it reports; a story on a topic others share ("different")
    when it is folded with any story of another event on that topic.
    """
    first: dict[str, Hashable] = {}
    events: dict[Hashable, set[str]] = {}
    for i, (variant, group) in enumerate(zip(c.variants, c.groups, strict=True)):
        if variant == "original":
            first[group] = pred[i]
        events.setdefault(pred[i], set()).add(c.events[i])
    on_topic = Counter(t for t, v in zip(c.topics, c.variants, strict=True) if v == "original")
    counts: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    for i, variant in enumerate(c.variants):
        # The original may have been cut off the corpus's end.
        if variant not in ("original", "different") and c.events[i] in first:
            counts[variant][0] += first[c.events[i]] == pred[i]
            counts[variant][1] += 1
        if variant != "independent" and c.topics[i] is not None and on_topic[c.topics[i]] > 1:
            counts["different"][0] += len(events[pred[i]]) > 1
            counts["different"][1] += 1
    return {kind: (folded, total) for kind, (folded, total) in counts.items()}


def table(results: Sequence[Result]) -> str:
    """The results as a Markdown table."""
    rows = [
        "| stories | precision | recall | same-topic merges | templated merges "
        "| ms/story median | ms/story mean | peak MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r.stories:,} | {r.precision:.4f} | {r.recall:.4f} "
            f"| {r.same_topic} of {r.same_topic_pairs:,} | {r.templated} of {r.templated_pairs:,} "
            f"| {r.ms_median:.2f} | {r.ms_mean:.2f} | {r.peak_mb:.1f} |"
        )
    rows += [
        "",
        "| kind | " + " | ".join(f"folded at {r.stories:,}" for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for kind, name in KINDS.items():
        cells = []
        for r in results:
            folded, total = r.kinds[kind]
            cells.append(f"{folded:,} of {total:,} ({folded / total:.1%})" if total else "—")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: measure each corpus size and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--no-memory", action="store_true", help="skip the traced second pass")
    args = parser.parse_args(argv)
    results = []
    for size in args.stories:
        folder = args.corpora / f"newsreader-corpus-{size}-{args.seed}"
        results.append(measure(corpus(folder, size, args.seed), args.threshold, not args.no_memory))
        print(f"{size} stories measured", flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
