"""What tags cost at one library size: a `tag:` query, its exclusion, and grouping the list.

The library is the generated corpus (newsreader.bench.corpus) imported with the real command;
one story in a hundred then gets a tag of its own and one source a tag its stories inherit.
Each measure is the median of `--runs` runs, in this process (as the app runs them).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from newsreader import undo
from newsreader.bench.scale import _env, corpus, import_corpus
from newsreader.grouping import grouped_rows
from newsreader.library import Library
from newsreader.library.tags import tag_source
from newsreader.query import parse_query
from newsreader.search.index import find


def _median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(work: Path, stories: int, runs: int) -> dict[str, float]:
    """Time the tag queries and the groupings on a tagged library of `stories` stories."""
    folder = work / f"tags-library-{stories}"
    if not (folder / ".bench-complete").exists():
        import_corpus(corpus(work, stories), folder, _env(work))
        library = Library(folder)
        shown = [meta.id for meta in library.visible()]
        for story_id in shown[::100]:
            undo.tag(library, [story_id], "picked", True, "tagged")
        tag_source(library, library.visible()[0].source, ["picked"], True)
        (folder / ".bench-complete").touch()
    library = Library(folder)
    now = datetime.now(UTC)
    visible = library.visible()

    def grouped_and_drawn(by: str) -> None:
        # What `=` costs the app: the groups made, the cursor's story found, a screen drawn.
        rows = grouped_rows(library, visible, by)
        rows.position_of(visible[len(visible) // 2].id)
        for number in range(min(40, len(rows))):
            rows[number]

    def headers_counted(by: str) -> None:
        rows = grouped_rows(library, visible, by)
        for number, row in enumerate(rows):  # every header drawn once: each group counted
            if row.header is not None:
                rows[number]

    return {
        "stories shown": float(len(visible)),
        "stories tagged (own or inherited)": float(
            len(find(library, parse_query("tag:picked", now)).ids)
        ),
        "tag:picked, ms": _median_ms(lambda: find(library, parse_query("tag:picked", now)), runs),
        "-tag:picked, ms": _median_ms(lambda: find(library, parse_query("-tag:picked", now)), runs),
        "= by source (groups made, cursor found, a screen drawn), ms": _median_ms(
            lambda: grouped_and_drawn("source"), runs
        ),
        "= by tag (groups made, cursor found, a screen drawn), ms": _median_ms(
            lambda: grouped_and_drawn("tag"), runs
        ),
        "every row made, every header counted, by source, ms": _median_ms(
            lambda: headers_counted("source"), runs
        ),
        "every row made, every header counted, by tag, ms": _median_ms(
            lambda: headers_counted("tag"), runs
        ),
    }


def main() -> None:
    """Run the measures and print them as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsreader-bench-tags"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    figures = measure(args.work, args.stories, args.runs)
    print(f"| measure | {args.stories:,} |\n|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value:,.1f} |")


if __name__ == "__main__":
    main()
