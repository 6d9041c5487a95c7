"""The search benchmark: time per query of each kind, index size and memory at N stories.

`python -m newsreader.bench.search --stories 100000 [--work DIR]` generates a corpus (kept in
the work folder for the next run), imports it into a fresh library timing the indexing, then,
in a fresh process, runs every query of QUERIES several times as the app would (phrases
checked for at most BOUNDED seconds), then the phrase queries without that limit, and reports
milliseconds per query, the index's size on disk and the process's resident memory.
`--library DIR` measures a library imported already (it marks stories: give it a copy);
`--no-unlimited` leaves out the phrases without the limit.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from newsreader.search.index import Found

from newsreader.bench.corpus import TRUTH_FILE, generate
from newsreader.query import Query, parse_query

RUNS = 5  # timed runs of each query after its first (cold) run
BOUNDED = 0.08  # seconds of phrase checking, as the app allows while one types

# {rare} is a word of one story's title, {pair} two words in a row of one story's body.
QUERIES = (
    ("word", "minister"),
    ("word", "the"),
    ("word", "{rare}"),
    ("words", "police court"),
    ("words", "{rare} minister"),
    ("phrase", '"{pair}"'),
    ("phrase", '"the court"'),
    ("phrase", '"said the court"'),
    ("phrase", 'minister "{pair}"'),
    ("source", "source:mint"),
    ("source", 'source:"the hindu"'),
    ("flag", "unread"),
    ("flag", "starred"),
    ("title", "title:minister"),
    ("title", "title:{rare}"),
    ("date", "@3-hours-ago"),
    ("date", "@{day}"),
    ("mixed", "minister source:reuters unread"),
    ("mixed", "trade deal @12-hours-ago -starred"),
    ("exclude", "minister -police"),
    ("exclude", "-the"),
    ("none", "xyzzyq"),
)


def _rss_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _on_disk(folder: Path) -> int:
    return sum(
        os.stat(os.path.join(root, name)).st_blocks * 512
        for root, _dirs, files in os.walk(folder)
        for name in files
    )


def build(work: Path, stories: int) -> tuple[Path, dict[str, Any]]:
    """Generate the corpus (unless there) and import it into a fresh library, timed."""
    from newsreader.importer import import_paths
    from newsreader.library import Library, search_index

    corpus = work / f"corpus-{stories}"
    if not (corpus / f".{TRUTH_FILE}").exists():
        generate(corpus, stories, seed=1)
        (corpus / TRUTH_FILE).rename(corpus / f".{TRUTH_FILE}")  # hidden: import skips it
    library_folder = work / f"search-library-{stories}"
    subprocess.run(["rm", "-rf", str(library_folder)], check=True)
    spent = [0.0]
    add_stories = search_index.add_stories

    def timed(*args: Any, **options: Any) -> None:
        start = time.perf_counter()
        add_stories(*args, **options)
        spent[0] += time.perf_counter() - start

    search_index.add_stories = timed
    library = Library(library_folder)
    start = time.perf_counter()
    outcome = import_paths(library, [corpus])
    seconds = time.perf_counter() - start
    search_index.add_stories = add_stories
    added = outcome.report.stories_added
    library.close()
    return library_folder, {
        "stories": added,
        "import_seconds": round(seconds, 1),
        "import_rate": round(added / seconds),
        "indexing_us_per_story": round(spent[0] / max(added, 1) * 1e6),
    }


def _timed(run: Callable[[], Any], runs: int) -> tuple[Any, float, list[float]]:
    """The first result of `run`, its time and the times of `runs` more runs, in ms."""
    start = time.perf_counter()
    result = run()
    cold = (time.perf_counter() - start) * 1000
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        warm.append((time.perf_counter() - start) * 1000)
    return result, cold, warm


def measure(library_folder: Path, unlimited: bool = True) -> dict[str, Any]:
    """Run every query against the library in this (fresh) process; the phrase queries
    again without a time limit unless `unlimited` is False (minutes at 1,000,000 stories)."""
    from newsreader.library import Library
    from newsreader.search.index import ensure_indexed, find, index_of
    from newsreader.words import words

    before = _rss_mb()[0]
    library = Library(library_folder)
    opened = _rss_mb()[0]
    ensure_indexed(library)
    index = index_of(library)
    # Story ids and times from the index's columns: making every story's metadata here
    # would measure that, not search.
    ids = [sid for sid in index.ids if sid is not None]
    library.set_starred(ids[::50])
    library.set_read(ids[::3])
    sample = library.story(ids[len(ids) // 3])
    body = words(" ".join(sample.paragraphs))
    now = datetime.fromtimestamp(float(np.nanmax(index.published)), UTC) + timedelta(hours=1)
    fill = {
        "rare": max(words(sample.title), key=len),
        "pair": " ".join(body[10:12]),
        "day": (now - timedelta(hours=12)).strftime("%Y-%m-%d"),
    }
    queries = [(kind, template.format(**fill)) for kind, template in QUERIES]

    def afresh(query: Query, seconds: float | None) -> Found:
        index.forget()  # each run reads the text again, as a newly typed phrase would
        return find(library, query, seconds)

    ready = _rss_mb()[0]
    rows = []
    for kind, text in queries:  # as the app would search as one types: with a time limit
        query = parse_query(text, now)
        found, cold, warm = _timed(partial(afresh, query, BOUNDED), RUNS)
        row: dict[str, Any] = {"kind": kind, "query": text, "hits": len(found.ids)}
        row.update(complete=found.complete, cold_ms=round(cold, 1))
        row.update(median_ms=round(statistics.median(warm), 1), max_ms=round(max(warm), 1))
        rows.append(row)
    interactive_rss = _rss_mb()[0]
    for row in rows:  # phrases again without the limit: every candidate's text is read
        query = parse_query(row["query"], now)
        if unlimited and (query.include.phrases or query.exclude.phrases):
            found, _cold, warm = _timed(partial(afresh, query, None), 2)
            row.update(all_hits=len(found.ids), all_ms=round(statistics.median(warm), 1))
    medians: list[float] = sorted(row["median_ms"] for row in rows)
    rss, peak = _rss_mb()
    index_bytes = _on_disk(library_folder / "search")
    library_bytes = _on_disk(library_folder)
    return {
        "queries": rows,
        "median_ms_all": round(statistics.median(medians), 1),
        "p95_ms_all": round(medians[int(0.95 * (len(medians) - 1))], 1),
        "index_mb": round(index_bytes / 2**20, 1),
        "index_bytes_per_story": round(index_bytes / len(ids)),
        "library_mb": round(library_bytes / 2**20, 1),
        "rss_mb_before_open": round(before, 1),
        "rss_mb_library_open": round(opened, 1),
        "rss_mb_marked_and_indexed": round(ready, 1),
        "rss_mb_after_interactive_queries": round(interactive_rss, 1),
        "rss_mb_after_unlimited_phrases": round(rss, 1),
        "rss_mb_peak": round(peak, 1),
    }


def report(built: dict[str, Any], measured: dict[str, Any]) -> str:
    """The figures as a Markdown table and a few lines."""
    lines = [
        f"| kind | query | hits | complete | first ms | median ms | max ms "
        f"| without the {BOUNDED} s limit: hits, median ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in measured["queries"]:
        unlimited = f"{row['all_hits']}, {row['all_ms']}" if "all_ms" in row else ""
        query = row["query"].replace("|", "\\|")
        lines.append(
            f"| {row['kind']} | `{query}` | {row['hits']} | {row['complete']} | {row['cold_ms']} "
            f"| {row['median_ms']} | {row['max_ms']} | {unlimited} |"
        )
    lines.append("")
    for key, value in {**built, **{k: v for k, v in measured.items() if k != "queries"}}.items():
        lines.append(f"- {key}: {value}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: build, then measure in a fresh process, then print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "nr-bench")
    parser.add_argument(
        "--library", type=Path, help="measure this library (a copy: it gets marks) instead"
    )
    parser.add_argument(
        "--no-unlimited", action="store_true", help="skip phrases without the time limit"
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the fresh process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, not args.no_unlimited)))
        return
    if args.library:
        print(report({}, measure(args.library, not args.no_unlimited)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    library_folder, built = build(args.work, args.stories)
    command = [sys.executable, "-m", "newsreader.bench.search", "--measure", str(library_folder)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    print(report(built, json.loads(done.stdout)))


if __name__ == "__main__":
    main()
