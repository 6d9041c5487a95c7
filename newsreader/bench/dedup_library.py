"""How well an imported library folded a generated corpus, and the duplicate index's memory.

python -m newsreader.bench.dedup_library --library COPY --corpus CORPUS

Reads the library's groups through `newsreader.library` (open a copy: opening may write) and
scores them against the corpus's truth (`truth.json`, or the hidden `.truth.json` that
`newsreader.bench.scale` keeps), as `newsreader.bench.dedup_quality` scores a fresh index;
then loads the library's duplicate index alone in a fresh process and reports its memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader.bench.corpus import TRUTH_FILE, read_dump
from newsreader.bench.dedup_quality import Corpus, Result, add_label, score, table
from newsreader.dedup import DuplicateIndex
from newsreader.library import Library

CHECK_EVERY = 1000  # of the dumps, one in this many has its titles compared with the file


@dataclass(frozen=True)
class Folds:
    """The library's stories lined up with the truth, and what did not line up."""

    corpus: Corpus  # labels only, in the order of `pred`
    pred: list[str]  # each story's group: the version shown for it
    dumps_unmatched: int  # dumps whose story count differs from the truth's (left out)
    titles_checked: int
    titles_wrong: int


def truth_of(corpus: Path) -> dict[str, Any]:
    """The corpus's truth file, visible or hidden."""
    for name in (TRUTH_FILE, f".{TRUTH_FILE}"):
        if (corpus / name).is_file():
            truth: dict[str, Any] = json.loads((corpus / name).read_text(encoding="utf-8"))
            return truth
    raise SystemExit(f"{corpus}: no {TRUTH_FILE} or .{TRUTH_FILE} (not a generated corpus)")


def folds(library: Library, corpus: Path, truth: dict[str, Any]) -> Folds:
    """Each story of `library` with its true label and the group the library put it in."""
    by_dump: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for meta in library.stories:
        by_dump[meta.dump].append((meta.order, meta.id, meta.title))
    out = Corpus([], [], [], [], [], [])
    pred: list[str] = []
    unmatched = checked = wrong = 0
    for number, name in enumerate(sorted(truth["dumps"])):
        labels = truth["dumps"][name]
        # Library order puts a dump's main story first, then its related ones, as the file does.
        stories = sorted(by_dump.get(name, ()))
        if len(stories) != len(labels):
            unmatched += 1
            continue
        if number % CHECK_EVERY == 0:
            titles = [title for title, _ in read_dump((corpus / name).read_text("utf-8"))]
            checked += len(titles)
            wrong += sum(a != b for a, (_, _, b) in zip(titles, stories, strict=True))
        for (_, story_id, _), label in zip(stories, labels, strict=True):
            add_label(out, truth, label)
            pred.append(library.duplicate_of(story_id) or story_id)
    return Folds(out, pred, unmatched, checked, wrong)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def index_memory(folder: Path) -> dict[str, float]:
    """Memory of loading the duplicate index of the library in `folder` in this process."""
    before = _rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    index = DuplicateIndex.load(folder)
    seconds = time.perf_counter() - started
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "stories": len(index),
        "load_seconds": round(seconds, 2),
        "traced_peak_mb": round(peak / 2**20, 1),
        "traced_kept_mb": round(current / 2**20, 1),
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(_rss_mb(), 1),
        "rss_max_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: score a library's folds, then measure its index's memory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", type=Path, required=True, help="a copy of the library")
    parser.add_argument("--corpus", type=Path, help="the generated corpus it was imported from")
    parser.add_argument("--index-memory", action="store_true", help="only the index's memory")
    args = parser.parse_args(argv)
    if args.index_memory:
        print(json.dumps(index_memory(args.library)))
        return
    if args.corpus is None:
        parser.error("--corpus is needed to score the folds")
    started = time.perf_counter()
    found = folds(Library(args.library), args.corpus, truth_of(args.corpus))
    result: Result = score(found.corpus, found.pred, 0.0, 0.0, 0.0)
    print(f"scored {len(found.pred):,} stories in {time.perf_counter() - started:.0f} s")
    print(f"dumps left out (story count differs from the truth): {found.dumps_unmatched}")
    print(
        f"titles checked against the dump files: {found.titles_wrong} of "
        f"{found.titles_checked} differ"
    )
    print(table([result]))
    command = [
        sys.executable,
        "-m",
        __spec__.name if __spec__ else "newsreader.bench.dedup_library",
    ]
    memory = subprocess.run(
        [*command, "--library", str(args.library), "--index-memory"],
        capture_output=True,
        text=True,
    )
    said = memory.stdout.strip() or memory.stderr.strip().splitlines()[-1]
    print("duplicate index loaded alone:", said)


if __name__ == "__main__":
    main()
